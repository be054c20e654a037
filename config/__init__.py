"""Settings and shipped data: the five phases, calendar overrides, worked-example programmes."""

from pathlib import Path

CONFIG_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = CONFIG_DIR.parent
