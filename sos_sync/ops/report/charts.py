"""The report's charts, drawn with matplotlib as PNG images.

Each chart has a title and labelled axes. A chart with nothing to show is not drawn:
the report says in a sentence why (`Chart.empty`), instead of an empty frame.
Figures are made with `matplotlib.figure.Figure` (no pyplot): no global state, no display.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .source import STAGE_LABELS

COLOURS = ("#9ecae1", "#4292c6", "#2171b5", "#08519c", "#f16913")  # steps 1-5
DPI = 110


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    png: bytes | None  # None: nothing to draw
    empty: str = ""  # the sentence shown instead of an empty chart


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    return buf.getvalue()


def _figure(width: float = 8.0, height: float = 4.2) -> Figure:
    fig = Figure(figsize=(width, height), layout="constrained")
    fig.set_facecolor("white")
    return fig


def steps_chart(table: pd.DataFrame) -> Chart:
    title = "Schools per step over time"
    cols = [f"Step {s}" for s in range(1, 6)]
    if table.empty or int(table[cols].to_numpy().sum()) == 0:
        return Chart("steps", title, None, "No school was on the programme during this period.")
    fig = _figure()
    ax = fig.add_subplot()
    days = pd.to_datetime(table["Day"])
    ax.stackplot(
        days,
        [table[c].to_numpy() for c in cols],
        labels=[f"{s} {STAGE_LABELS[s]}" for s in range(1, 6)],
        colors=COLOURS,
        step="post" if len(table) < 20 else None,
    )
    sources = set(table["Source"])
    sub = (
        "from the nightly run history"
        if sources == {"run history"}
        else (
            "from milestone dates"
            if sources == {"milestones"}
            else "from the run history; weeks without a night filled from milestone dates"
        )
    )
    ax.set_title(f"{title}\n({sub})", fontsize=12)
    ax.set_xlabel("Date")
    ax.set_ylabel("Schools")
    ax.margins(x=0)
    ax.legend(loc="upper left", fontsize=8, title="Step", title_fontsize=8, reverse=True)
    fig.autofmt_xdate()
    return Chart("steps", title, _png(fig))


def funnel_chart(table: pd.DataFrame) -> Chart:
    title = "Step funnel: schools that have reached each step"
    if int(table["Reached this step"].sum()) == 0:
        return Chart(
            "funnel", title, None, "No school had reached a step by the end of the period."
        )
    fig = _figure(height=3.4)
    ax = fig.add_subplot()
    labels = [f"{s} {STAGE_LABELS[s]}" for s in table["Step"]]
    values = table["Reached this step"].to_numpy()
    bars = ax.barh(labels, values, color=COLOURS)
    ax.bar_label(bars, padding=3, fontsize=9)
    ax.invert_yaxis()
    ax.set_title(title, fontsize=12)
    ax.set_xlabel("Schools (at this step or beyond)")
    ax.set_ylabel("Step")
    ax.set_xlim(0, max(values) * 1.12 + 1)
    return Chart("funnel", title, _png(fig))


def days_chart(durations: pd.DataFrame) -> Chart:
    title = "Days spent in each step (steps left during the period)"
    if durations.empty:
        return Chart("days", title, None, "No school left a step during this period.")
    fig = _figure(height=3.8)
    ax = fig.add_subplot()
    steps = sorted(int(s) for s in durations["Step"].unique())
    data = [durations.loc[durations["Step"] == s, "Days"].to_numpy() for s in steps]
    names = [
        f"{s} {textwrap.fill(STAGE_LABELS[s], 20)}\n({len(v)} {'school' if len(v) == 1 else 'schools'})"
        for s, v in zip(steps, data, strict=True)
    ]
    ax.boxplot(data, tick_labels=names, widths=0.5)
    ax.set_title(title, fontsize=12)
    ax.set_xlabel("Step left")
    ax.set_ylabel("Days in the step")
    ax.set_ylim(bottom=0)
    ax.tick_params(axis="x", labelsize=8)
    return Chart("days", title, _png(fig))


def attendance_chart(table: pd.DataFrame) -> Chart:
    title = "Programme events: schools signed up and attended"
    if table.empty or int(table["Signed up"].sum()) == 0:
        return Chart(
            "attendance", title, None, "No school signed up for an event held in this period."
        )
    n = len(table)
    fig = _figure(height=1.6 + 0.55 * n)
    ax = fig.add_subplot()
    y = list(range(n))
    h = 0.38
    up = ax.barh([i - h / 2 for i in y], table["Signed up"], h, label="Signed up", color="#9ecae1")
    came = ax.barh([i + h / 2 for i in y], table["Attended"], h, label="Attended", color="#08519c")
    ax.bar_label(up, fontsize=8, padding=2)
    ax.bar_label(came, fontsize=8, padding=2)
    names = [
        textwrap.shorten(str(t), 46, placeholder="…") + f" ({d:%-d %b %Y})"
        for t, d in zip(table["Title"], table["Date"], strict=True)
    ]
    ax.set_yticks(y, [textwrap.fill(x, 40) for x in names], fontsize=8)
    ax.invert_yaxis()
    ax.set_title(title, fontsize=12)
    ax.set_xlabel("Schools")
    ax.set_ylabel("Event")
    ax.legend(fontsize=8, loc="lower right")
    ax.set_xlim(0, max(int(table["Signed up"].max()), 1) * 1.15 + 0.5)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    return Chart("attendance", title, _png(fig))
