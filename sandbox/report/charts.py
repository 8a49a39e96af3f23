"""The report's charts, drawn with seaborn as the notebooks draw, as inline PNG images.

Figures are made without pyplot (no global figure list, no backend to choose) and with
seaborn's styles as context managers, so drawing a report changes nothing for the caller.
"""

from __future__ import annotations

import base64
import io
from contextlib import contextmanager

import pandas as pd

from ..exercises._diagnosis import MISTAKE, WRONG
from ..exercises._view import NOT_ATTEMPTED, PASSED

#: Colours of the outcomes; typical mistakes alternate between two oranges so that neighbours stay apart.
COLOURS = {PASSED: "#1b7f3b", WRONG: "#b3261e", NOT_ATTEMPTED: "#c4c4c4"}
MISTAKE_COLOURS = ("#f28e2b", "#ffbe7d")
LEGEND = {PASSED: "passed", MISTAKE: "a typical mistake (named)", WRONG: "wrong, no single mistake explains it",
          NOT_ATTEMPTED: "not attempted"}
#: How many characters of a segment's label fit across a whole bar (the chart is 12 in wide).
BAR_CHARACTERS = 90


@contextmanager
def report_style():
    """seaborn's "talk" context (readable on a projector) and white grid, text never read as math."""
    import matplotlib
    import seaborn as sns

    with sns.axes_style("whitegrid"), sns.plotting_context("talk"), matplotlib.rc_context({"text.parse_math": False}):
        yield


def question_label(question: dict) -> str:
    points = f"{question['points']} pt" + ("s" if question["points"] != 1 else "")
    return f"{question['question']} ({points}{', judgement' if question['judgement'] else ''})"


def outcome_segments(questions: pd.DataFrame, mistakes: pd.DataFrame) -> pd.DataFrame:
    """One row per bar segment of :func:`outcome_chart`, left to right: ``label`` (the question),
    ``segment``, ``kind``, ``count``; per question: passed, each typical mistake (most common first),
    wrong, not attempted."""
    rows = []
    for q in questions.to_dict("records"):
        label = question_label(q)
        rows.append((label, PASSED, PASSED, q[PASSED]))
        made = mistakes[(mistakes["assignment"] == q["assignment"]) & (mistakes["question"] == q["question"])]
        rows += [(label, f"{q['question']}: {m}", MISTAKE, n) for m, n in zip(made["mistake"], made["count"])]
        rows += [(label, kind, kind, q[kind]) for kind in (WRONG, NOT_ATTEMPTED)]
    return pd.DataFrame(rows, columns=["label", "segment", "kind", "count"])


def outcome_chart(questions: pd.DataFrame, mistakes: pd.DataFrame, title: str):
    """A horizontal bar per question of one assignment: students by outcome, typical mistakes stacked and named.

    ``questions`` and ``mistakes`` are that assignment's rows of :func:`sandbox.report.summary.question_counts`
    and :func:`~sandbox.report.summary.mistake_counts`. Returns the matplotlib Figure.
    """
    import seaborn as sns
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    segments = outcome_segments(questions, mistakes)
    named = segments[segments["kind"] == MISTAKE]
    palette = {PASSED: COLOURS[PASSED], WRONG: COLOURS[WRONG], NOT_ATTEMPTED: COLOURS[NOT_ATTEMPTED]}
    for _, group in named.groupby("label", sort=False):
        palette.update({segment: MISTAKE_COLOURS[i % 2] for i, segment in enumerate(group["segment"])})
    left_to_right = [PASSED, *named["segment"], WRONG, NOT_ATTEMPTED]
    with report_style():
        fig = Figure(figsize=(12, 1.5 + 0.75 * len(questions)), layout="constrained")
        ax = fig.subplots()
        # seaborn stacks the hue levels from the last one: the reversed order reads left to right
        sns.histplot(segments, y="label", hue="segment", weights="count", multiple="stack", discrete=True,
                     shrink=0.75, hue_order=left_to_right[::-1], palette=palette, alpha=1, linewidth=1.5,
                     edgecolor="white", legend=False, ax=ax)
        label_segments(ax, segments)
        ax.set(xlabel="students", ylabel="", title=title)
        fig.legend(handles=[Patch(color=MISTAKE_COLOURS[0] if kind == MISTAKE else COLOURS[kind], label=text)
                            for kind, text in LEGEND.items()],
                   loc="outside lower center", ncol=2, frameon=False, fontsize="small")
    return fig


def label_segments(ax, segments: pd.DataFrame) -> None:
    """Write in each segment its count, and a typical mistake's id too, where the text fits."""
    widest = max(segments.groupby("label", sort=False)["count"].sum().max(), 1)
    for y, (_, group) in enumerate(segments.groupby("label", sort=False)):
        left = 0
        for seg in group.itertuples():
            texts = [f"{seg.segment.split(': ', 1)[1]} ({seg.count})"] if seg.kind == MISTAKE else []
            fitting = [t for t in texts + [str(seg.count)] if seg.count / widest * BAR_CHARACTERS >= len(t) + 1]
            if seg.count and fitting:
                colour = "black" if seg.kind in (MISTAKE, NOT_ATTEMPTED) else "white"
                ax.text(left + seg.count / 2, y, fitting[0], ha="center", va="center", color=colour,
                        fontsize="x-small")
            left += seg.count


def skill_chart(skills: pd.DataFrame, title: str):
    """A bar per skill: the share of its judgement points earned (skills not assessed yet are left out)."""
    import seaborn as sns
    from matplotlib.figure import Figure

    assessed = skills.dropna(subset=["share"]).assign(percent=lambda d: 100 * d["share"])
    with report_style():
        fig = Figure(figsize=(12, 1.6 + 0.8 * len(assessed)), layout="constrained")
        ax = fig.subplots()
        sns.barplot(assessed, y="skill", x="percent", color="#1f5fa8", ax=ax, orient="h")
        for y, percent in enumerate(assessed["percent"]):
            ax.text(min(percent + 1, 92), y, f"{percent:.0f}%", va="center", fontsize="small")
        ax.axvline(50, color="#6b6b6b", linestyle="--", linewidth=1.5)
        ax.set(xlim=(0, 100), xlabel="share of judgement points earned (%)", ylabel="", title=title)
    return fig


def data_uri(fig, dpi: int = 80) -> str:
    """The figure as a ``data:image/png;base64,...`` URI (for an ``<img>`` that needs no other file)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
