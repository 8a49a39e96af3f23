"""Learner charts as plain data, and their check (the way learntools checks plots).

A chart question reads the learner's matplotlib Axes (``ax = sns.barplot(...)``). :func:`bar_chart`
(in ``_bars.py``) turns it into plain data (bar labels and heights, title and axis labels) inside the
kernel, so the answer can leave it as JSON like any other; :class:`BarChart` compares that with the
bars the question asks for.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ._bars import KIND, bar_chart
from ._compare import Mismatch, SeriesMatch, norm_text

__all__ = ["KIND", "BarChart", "bar_chart"]

#: Axis labels that say nothing: none, or "None", which seaborn writes for a Series without a name.
NO_LABEL = ("", "None")


@dataclass(frozen=True)
class BarChart:
    """A bar per label with the expected height, on a linear axis, without error bars; the chart needs a title and a
    value-axis label.

    A manager reads a chart without its code: the title says what it shows, the value axis (y for
    upright bars, x for horizontal ones) says what the bar heights measure, a bar's length is
    proportional to its value (not so on a log axis, where it depends on where the axis starts), and each
    bar is one number (error bars would add the spread of the posts behind it, which no question asks for).

    ``expected`` is a Series label -> bar height (from the data), or a list of them when the question accepts
    several fair methods (the reference's own first): the bars must be one of them.
    """

    describe: str = "topic"
    rtol: float = 1e-4
    #: Bars of height 0 draw nothing, so the reader never sees them: expected zeros may be absent.
    ignore_zero: bool = False

    def compare(self, answer, expected) -> None:
        answer = bar_chart(answer)
        if answer.get("kind") != KIND:
            got = answer.get("kind")
            raise Mismatch(f"expected the Axes of a bar chart (what sns.barplot returns), got {got}")
        labels, values = answer["labels"], answer["values"]
        if len(set(map(norm_text, labels))) != len(labels):
            raise Mismatch(f"some {self.describe}s have several bars; draw one bar per {self.describe} "
                           "(no hue, errorbar=None)")
        bars = pd.Series(values, index=labels, dtype="float64")
        problems = []
        for heights in expected if isinstance(expected, list) else [expected]:
            try:
                SeriesMatch(self.rtol, ignore_zero=self.ignore_zero).compare(bars, heights)
                break
            except Mismatch as e:
                problems.append(e)
        else:
            raise Mismatch(f"bar heights: {problems[0]}") from None
        if answer.get("error_bars"):
            raise Mismatch(f"the bars are right, but they carry error bars: each bar is one number for a manager to "
                           f"read, so draw one plain bar per {self.describe} (errorbar=None)")
        scale = answer.get("value_scale", "linear")
        if scale != "linear":
            axis = "y" if answer.get("vertical", True) else "x"
            raise Mismatch(f"the bars are right, on a {scale} axis: there a bar's length is not proportional to "
                           f"its value; keep the value axis linear (ax.set_{axis}scale('linear'))")
        if not str(answer.get("title", "")).strip():
            raise Mismatch("the bars are right; give the chart a title that says what it shows (ax.set_title)")
        axis = "y" if answer.get("vertical", True) else "x"
        if str(answer.get(f"{axis}label", "")).strip() in NO_LABEL:
            raise Mismatch(f"the bars are right; the value axis (the {axis} axis) has no label: say what the bar "
                           f"heights measure (ax.set_{axis}label)")

    def answers(self, expected) -> list:
        """The chart of the reference's own bars (the first accepted method's)."""
        expected = expected[0] if isinstance(expected, list) else expected
        return [{"kind": KIND, "labels": list(map(str, expected.index)), "values": [float(v) for v in expected],
                 "value_scale": "linear", "error_bars": 0, "title": "chart", "xlabel": self.describe,
                 "ylabel": "value"}]

