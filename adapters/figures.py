"""Figures of self-assessments: a heat map of units x indicators, and a chart per pillar.

Drawn with matplotlib (Agg) and written as SVG (for HTML) or PNG (for Word). Text in SVG is
drawn as paths, so Vietnamese shows the same on any machine; output is reproducible.
"""

from io import BytesIO
from pathlib import Path

from models.assessment.catalogue import Catalogue
from models.kernel.vocabulary import rating_label

COLOURS = {"red": "#d73027", "yellow": "#fdd835", "green": "#1a9850", None: "#d9d9d9"}
TITLES = {
    "vi": {"heatmap": "Kết quả tự đánh giá theo chỉ số", "pillar": "Nhóm", "units": "đơn vị"},
    "en": {"heatmap": "Self-assessment by indicator", "pillar": "Pillar", "units": "units"},
}
LABELLED_ROWS = 80  # above this many units the heat map leaves out the unit codes


def _pyplot():
    import os

    from config.settings import get_settings

    # matplotlib keeps a font cache; under ROLLOUT_HOME, never in the user's home.
    os.environ.setdefault("MPLCONFIGDIR", str(get_settings().home / "cache" / "matplotlib"))
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams.update(
        {"svg.hashsalt": "rollout", "svg.fonttype": "path", "font.family": "DejaVu Sans"}
    )
    from matplotlib import pyplot

    return pyplot


def heatmap(
    catalogue: Catalogue, by_unit: dict[str, dict[str, str]], fmt: str, language: str = "vi"
) -> bytes:
    """Units (rows, in the given order) x indicators (columns), each cell coloured by rating."""
    plt = _pyplot()  # first: it points matplotlib's cache at ROLLOUT_HOME before its import
    from matplotlib.colors import ListedColormap

    order = list(COLOURS)
    codes = list(catalogue.codes)
    units = list(by_unit)
    grid = [[order.index(by_unit[u].get(c)) for c in codes] for u in units] or [[3] * len(codes)]
    rows = max(len(units), 1)
    row_height = 0.22 if rows <= LABELLED_ROWS else max(0.004, 12 / rows)
    fig, ax = plt.subplots(figsize=(11, min(2.2 + rows * row_height, 40)), layout="constrained")
    ax.imshow(
        grid,
        cmap=ListedColormap([COLOURS[k] for k in order]),
        vmin=0,
        vmax=len(order) - 1,
        aspect="auto",
        interpolation="none",  # one pixel per cell in SVG, the viewer scales it crisply
    )
    ax.set_xticks(range(len(codes)), codes, rotation=90, fontsize=7)
    if rows <= LABELLED_ROWS:
        ax.set_yticks(range(len(units)), units, fontsize=7)
        ax.set_xticks([x - 0.5 for x in range(len(codes) + 1)], minor=True)
        ax.set_yticks([y - 0.5 for y in range(rows + 1)], minor=True)
        ax.grid(which="minor", color="white", linewidth=0.6)
        ax.tick_params(which="minor", length=0)
    else:
        ax.set_yticks([])
    start = 0
    for pillar, members in catalogue.pillars.items():
        if start:
            ax.axvline(start - 0.5, color="black", linewidth=1.2)
        ax.text(
            start + len(members) / 2 - 0.5,
            1.005,
            f"{TITLES[language]['pillar']} {pillar}",
            transform=ax.get_xaxis_transform(),
            ha="center",
            va="bottom",
            fontsize=8,
        )
        start += len(members)
    title = TITLES[language]["heatmap"]
    ax.set_title(f"{title} ({len(units)} {TITLES[language]['units']})", fontsize=10, pad=16)
    _legend(fig, language)
    return _save(plt, fig, fmt)


UNIT_FIGURE = (8.0, 9.5)  # inches: the chart in a unit's report always has this size
UNIT_FIGURE_PART = "word/media/image1.png"  # the placeholder the report template holds


def pillar_charts(
    catalogue: Catalogue,
    by_unit: dict[str, dict[str, str]],
    fmt: str,
    language: str = "vi",
    size: tuple[float, float] | None = None,
) -> bytes:
    """A chart per pillar: for each indicator, how many units rated it each colour.

    For one unit, each bar is that unit's rating of the indicator (its profile).
    """
    plt = _pyplot()
    pillars = list(catalogue.pillars.items())
    heights = [len(members) for _, members in pillars]
    fig, axes = plt.subplots(
        len(pillars),
        1,
        squeeze=False,
        figsize=size or (9, 1.0 + 0.2 * sum(heights) + 0.45 * len(pillars)),
        height_ratios=heights,
        layout="constrained",
    )
    total = max(len(by_unit), 1)
    for ax, (pillar, members) in zip(axes[:, 0], pillars, strict=True):
        left = [0.0] * len(members)
        counts_in_pillar = {}  # an unrated indicator is a missing key: get() gives None
        for colour in COLOURS:
            counts = [sum(r.get(code) == colour for r in by_unit.values()) for code in members]
            counts_in_pillar[colour] = sum(counts)
            ax.barh(range(len(members)), counts, left=left, color=COLOURS[colour], height=0.8)
            left = [a + b for a, b in zip(left, counts, strict=True)]
        ax.set_yticks(range(len(members)), members, fontsize=7)
        ax.invert_yaxis()
        ax.set_xlim(0, total)
        ax.tick_params(axis="x", labelsize=7)
        if len(by_unit) == 1:
            ax.set_xticks([])
        summary = " · ".join(
            f"{rating_label(c, language)} {n}" for c, n in counts_in_pillar.items() if n
        )
        name = catalogue.pillar(pillar).name(language)
        ax.set_title(
            f"{TITLES[language]['pillar']} {pillar}. {name} ({summary})", fontsize=8.5, loc="left"
        )
    _legend(fig, language)
    return _save(plt, fig, fmt)


def _legend(fig, language: str) -> None:
    from matplotlib.patches import Patch

    handles = [Patch(color=COLOURS[c], label=rating_label(c, language)) for c in COLOURS]
    fig.legend(handles=handles, loc="outside lower center", ncols=4, fontsize=8, frameon=False)


def _save(plt, fig, fmt: str) -> bytes:
    buffer = BytesIO()
    metadata = {"Date": None} if fmt == "svg" else {"Software": None}
    fig.savefig(buffer, format=fmt, dpi=150, metadata=metadata)
    plt.close(fig)
    return buffer.getvalue()


def write_figure(path: Path, content: bytes) -> Path:
    """Write a figure next to others, whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(content)
    partial.replace(path)
    return path
