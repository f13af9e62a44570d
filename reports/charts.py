"""Bar charts as PNG pictures (matplotlib, Agg: no screen needed; Vietnamese renders)."""

from __future__ import annotations

from pathlib import Path


def bar_chart(title: str, values: dict[str, int], path: Path) -> Path:
    """A horizontal bar chart of `values` (label -> count), biggest on top, saved as PNG."""
    # loaded by the first chart, not by importing this: it takes ~1 s. A Figure of its own,
    # not pyplot's: charts are drawn in threads at once (a tick's sends), and pyplot's
    # figures are one list for the whole process
    from matplotlib.figure import Figure

    path.parent.mkdir(parents=True, exist_ok=True)
    ordered = sorted(values.items(), key=lambda item: item[1])
    labels = [label for label, _ in ordered]
    counts = [count for _, count in ordered]
    height = 1.2 + 0.45 * max(len(ordered), 1)
    figure = Figure(figsize=(7, height))
    axes = figure.subplots()
    bars = axes.barh(labels, counts, color="#1f77b4")
    axes.bar_label(bars, padding=3)
    axes.set_title(title)
    axes.spines[["top", "right"]].set_visible(False)
    axes.xaxis.set_visible(False)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    return path
