"""The heat map and the pillar charts show each rating in its colour, the same every time."""

from adapters.figures import COLOURS, heatmap, pillar_charts
from models.assessment.catalogue import DEFAULT_CATALOGUE, load_catalogue
from tests.image_checks import colour_share

CATALOGUE = load_catalogue(DEFAULT_CATALOGUE)


def test_the_heat_map_colours_each_cell_by_its_rating():
    codes = CATALOGUE.codes
    by_unit = {
        "HP-A": dict.fromkeys(codes, "red"),
        "HP-B": dict.fromkeys(codes, "green") | {"1.1": "yellow"},
        "HP-C": {},  # rated nothing: grey
    }
    png = heatmap(CATALOGUE, by_unit, "png")
    red, yellow, green, grey = (colour_share(png, COLOURS[c]) for c in COLOURS)
    assert red > 0.1 and abs(red - (green + yellow)) / red < 0.05  # one row each
    assert abs(grey - red) / red < 0.05
    assert 0.5 / 39 < yellow / red < 1.5 / 39  # one cell of 39


def test_figures_are_reproducible_and_svg_holds_no_fonts():
    by_unit = {"HP-A": dict.fromkeys(CATALOGUE.codes[:20], "yellow")}
    first = pillar_charts(CATALOGUE, by_unit, "svg")
    assert first == pillar_charts(CATALOGUE, by_unit, "svg")
    assert b"<text" not in first  # text is drawn as paths: Vietnamese looks the same anywhere
    assert heatmap(CATALOGUE, by_unit, "png") == heatmap(CATALOGUE, by_unit, "png")


def test_a_national_heat_map_in_svg_holds_each_cell_once_in_its_own_colour():
    import base64
    import io
    import re

    from PIL import Image

    ratings = ("red", "yellow", "green")
    by_unit = {
        f"U{n:04}": {c: ratings[(n + i) % 3] for i, c in enumerate(CATALOGUE.codes) if n % 7}
        for n in range(3355)
    }
    svg = heatmap(CATALOGUE, by_unit, "svg")
    (data,) = re.findall(rb"data:image/png;base64,([A-Za-z0-9+/=\s]+)", svg)
    image = Image.open(io.BytesIO(base64.b64decode(data))).convert("RGB")
    # One pixel per unit and indicator, scaled by the viewer, not resampled into blends that
    # no rating has (and ~300 MB of resampling for 3,355 units).
    assert image.size == (len(CATALOGUE.codes), 3355)
    wanted = {tuple(int(COLOURS[c][i : i + 2], 16) for i in (1, 3, 5)) for c in COLOURS}
    assert {rgb for _, rgb in image.getcolors()} == wanted
    assert b"image-rendering:pixelated" in svg
