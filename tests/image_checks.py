"""Reading pictures back: how much of a figure shows a colour."""

from io import BytesIO

from PIL import Image


def colour_share(png: bytes, hex_colour: str) -> float:
    """The share of a picture's pixels that have exactly this colour."""
    image = Image.open(BytesIO(png)).convert("RGB")
    wanted = tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    pixels = image.get_flattened_data() if hasattr(image, "get_flattened_data") else image.getdata()
    return sum(p == wanted for p in pixels) / (image.width * image.height)
