"""Charts as PNG (matplotlib, no display), for the pages and the printed reports."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any

# the palette of the pages' charts (phalanx.web.charts), so that a printed chart looks
# like the one on the page
NAVY, GOLD, GREY = "#2f5d9b", "#c98a1a", "#9aa7bd"
INK = "#1f2a44"
SERIES = ("#2f5d9b", "#c98a1a", "#5b8c5a", "#9aa7bd", "#b3261e")


def _pyplot() -> Any:
    """matplotlib's pyplot without a display, loaded by the first chart drawn rather than
    by every process that imports the exports."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


Number = Callable[..., str]  # a figure written in the reader's language (`Texts.number`)


def tick(number: Number | None) -> Callable[[float, Any], str]:
    """An axis's tick written by `number` (the reader's separators: "20 000", "12,5"), a
    whole value without decimals; None: as matplotlib writes it."""
    def written(value: float, _position: Any = None) -> str:
        whole = float(value).is_integer()
        if number is None:
            return f"{value:g}"
        return number(int(value)) if whole else number(value)
    return written


def _axis(ax: Any, number: Number | None, which: str) -> None:
    if number is not None:
        from matplotlib.ticker import FuncFormatter

        getattr(ax, which).set_major_formatter(FuncFormatter(tick(number)))


def bars(labels: Sequence[str], values: Sequence[float], title: str, unit: str,
         reference: Sequence[float] | None = None, reference_label: str = "",
         marking: str = "", value_label: str = "reported through Phalanx",
         number: Number | None = None) -> bytes:
    """Horizontal bars, largest first; optional reference bars (e.g. historical totals);
    the values' axis written by `number` (the reader's language's separators)."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.5, 0.45 * max(len(labels), 3) + 1.2), dpi=110)
    pos = range(len(labels))
    ax.barh([p + (0.2 if reference else 0) for p in pos], values,
            height=0.4 if reference else 0.7, color=NAVY, label=value_label)
    if reference:
        ax.barh([p - 0.2 for p in pos], reference, height=0.4, color=GOLD,
                label=reference_label)
        ax.legend(loc="lower right", fontsize=8, frameon=False)
    ax.set_yticks(list(pos), labels, fontsize=9)
    ax.invert_yaxis()
    ax.set_xlabel(unit, fontsize=9)
    _axis(ax, number, "xaxis")
    ax.set_title(title, fontsize=11, loc="left", color=INK)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="x", color="#e3e7ee")
    ax.set_axisbelow(True)
    if marking:
        fig.text(0.99, 0.01, marking, ha="right", va="bottom", fontsize=7, color="#8b0000")
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    plt.close(fig)
    return out.getvalue()


def lines(series: dict[str, list[tuple[str, float]]], title: str, unit: str,
          marking: str = "", number: Number | None = None) -> bytes:
    """One line per series over ordered x labels (e.g. stages); the values' axis written
    by `number`."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.5, 3.2), dpi=110)
    for i, (name, points) in enumerate(sorted(series.items())):
        ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=name,
                color=SERIES[i % len(SERIES)])
    ax.set_title(title, fontsize=11, loc="left", color=INK)
    ax.set_ylabel(unit, fontsize=9)
    _axis(ax, number, "yaxis")
    ax.tick_params(labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#e3e7ee")
    if len(series) > 1:
        ax.legend(fontsize=7, frameon=False, ncol=4)
    if marking:
        fig.text(0.99, 0.01, marking, ha="right", va="bottom", fontsize=7, color="#8b0000")
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    plt.close(fig)
    return out.getvalue()
