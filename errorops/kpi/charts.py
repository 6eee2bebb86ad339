"""The report's trend charts as PNG files, drawn with matplotlib's Agg backend (no display).

Deterministic: a fixed size (800 x 400 pixels), no timestamp or software name in the PNG's
metadata (``metadata={"Software": None}``), and the object API (``matplotlib.figure.Figure``)
rather than pyplot's global state. The same report gives the same bytes.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

from .figures import Figure as KpiFigure
from .figures import Report

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

WIDTH_IN, HEIGHT_IN, DPI = 8.0, 4.0, 100
CHARTS = ("error_rate.png", "mttr.png", "coverage.png")
_NOW, _BEFORE, _TARGET = "#1f77b4", "#aec7e8", "#d62728"


def _new() -> Figure:
    # Imported here: matplotlib is heavy, and only `errorops report` draws.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    FigureCanvasAgg(figure)
    return figure


def _save(figure: Figure, path: Path) -> Path:
    figure.tight_layout()
    figure.savefig(path, format="png", dpi=DPI, metadata={"Software": None})
    return path


def error_rate_chart(report: Report, path: Path) -> Path:
    figure = _new()
    ax = figure.add_subplot()
    days = [d.day[5:] for d in report.daily]
    rates = [math.nan if d.error_rate is None else d.error_rate for d in report.daily]
    # Numeric positions, every day a tick: a day without requests (no rate) stays on the axis, as a gap.
    xs = list(range(len(days)))
    ax.plot(xs, rates, marker="o", color=_NOW, label="error rate of requests")
    ax.set_xticks(xs, days)
    ax.set_xlim(-0.5, len(days) - 0.5)
    ax.axhline(report.error_rate_target, color=_TARGET, linestyle="--", label=f"target < {report.error_rate_target:g}%")
    ax.set_ylabel("% of requests")
    top = max([r for r in rates if not math.isnan(r)] + [report.error_rate_target])
    ax.set_ylim(0, top * 1.25)
    ax.set_title(f"Daily error rate, {report.label} ({report.environment})")
    ax.tick_params(axis="x", labelrotation=90 if len(days) > 10 else 0, labelsize=7 if len(days) > 10 else 9)
    ax.legend(loc="upper left")
    return _save(figure, path)


def _bars(ax: Axes, labels: list[str], now: list[float], before: list[float], targets: list[float | None]) -> None:
    xs = list(range(len(labels)))
    ax.bar([x - 0.2 for x in xs], before, width=0.4, color=_BEFORE, label="previous period")
    ax.bar([x + 0.2 for x in xs], now, width=0.4, color=_NOW, label="this period")
    for x, target in zip(xs, targets):
        if target is not None:
            ax.hlines(target, x - 0.45, x + 0.45, colors=_TARGET, linestyles="--")
    ax.plot([], [], color=_TARGET, linestyle="--", label="target")
    ax.set_xticks(xs, labels)
    top = max([*now, *before, *(t for t in targets if t is not None), 1.0])
    ax.set_ylim(0, top * 1.3)
    ax.legend(loc="upper center", ncols=3)


def _value(figure: KpiFigure, previous: bool = False) -> float:
    value = figure.previous if previous else figure.value
    return 0.0 if value is None else value


def mttr_chart(report: Report, path: Path) -> Path:
    figure = _new()
    ax = figure.add_subplot()
    mttr = [f for f in report.kpis if f.kpi == "mttr"]
    targets = [None if f.target_value is None else f.target_value / 60 for f in mttr]
    _bars(ax, [f.level or f.name for f in mttr], [_value(f) / 60 for f in mttr],
          [_value(f, True) / 60 for f in mttr], targets)
    ax.set_ylabel("hours")
    ax.set_title(f"MTTR per severity against its target, {report.label}")
    return _save(figure, path)


def coverage_chart(report: Report, path: Path) -> Path:
    figure = _new()
    ax = figure.add_subplot()
    shares = [f for f in report.kpis if f.kpi in ("categorized", "assigned")]
    _bars(ax, [f.name for f in shares], [_value(f) for f in shares], [_value(f, True) for f in shares],
          [f.target_value for f in shares])
    ax.set_ylabel("%")
    ax.set_title(f"Categorized and assigned share, {report.label}")
    return _save(figure, path)


def draw_charts(report: Report, directory: Path) -> list[Path]:
    """The three charts, written into ``directory`` (created if needed); their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    return [error_rate_chart(report, directory / CHARTS[0]), mttr_chart(report, directory / CHARTS[1]),
            coverage_chart(report, directory / CHARTS[2])]
