"""The worked example (`make demo`): the Hải Phòng 2023 pilot replayed on the embedded defaults."""
