"""Learner charts as plain data, and their check (the way learntools checks plots).

A chart question reads the learner's matplotlib Axes (``ax = sns.barplot(...)``). :func:`bar_chart`
(in ``_bars.py``) turns it into plain data (bar labels and heights, title and axis labels) inside the
kernel, so the answer can leave it as JSON like any other; :class:`BarChart` compares that with the
bars the question asks for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from ._bars import KIND, bar_chart
from ._compare import Mismatch, SeriesMatch, norm_text
from ._question import Mistake

__all__ = ["KIND", "BarChart", "bar_chart", "measure_unnamed"]

#: Axis labels that say nothing: none, or "None", which seaborn writes for a Series without a name.
NO_LABEL = ("", "None")
#: What a chart whose bars a question asks sorted from the largest is told when they are not.
NOT_SORTED = ("the bars are right, but not sorted from the largest: order them so that the manager reads the ranking "
              "at a glance (sns.barplot's order=)")
#: What a chart whose value axis writes an offset (1e7) above its ticks is told, where the question asks for plain
#: amounts.
OFFSET = ("the bars are right, but the value axis writes an offset (such as 1e7) above its ticks, which a manager "
          "misses: write the amounts in full or with a unit prefix (ticker.EngFormatter())")
#: What a chart whose title and value-axis label name none of the words of its measure is told (the words are the
#: question's own: the message does not repeat them).
MEASURE_UNNAMED = ("the bars are right, but neither the title nor the value-axis label says what they measure: a "
                   "manager reads the chart without its code, so name the quantity the question asks you to chart, "
                   "in the words of the question")


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
    #: Words that name what the bars measure (("engagement", "er")): the title or the value-axis label must hold one,
    #: as a word (a plural "s" allowed, any case). Empty: any title and label will do.
    measure: tuple[str, ...] = ()
    #: The question asks for the bars sorted from the largest (left to right, or top to bottom).
    largest_first: bool = False
    #: The question asks for plain amounts on the value axis: no offset or factor (1e7) written above its ticks.
    no_offset: bool = False

    def names_measure(self, text: str) -> bool:
        """Whether ``text`` (a title and an axis label) holds one of the words of :attr:`measure`."""
        return any(re.search(rf"(?<![a-z0-9]){re.escape(word.lower())}s?(?![a-z0-9])", text.lower())
                   for word in self.measure)

    def compare(self, answer, expected) -> None:
        if isinstance(expected, dict):
            return self.compare_charts(answer, expected)
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
        if self.measure and not self.names_measure(f"{answer.get('title', '')} {answer.get(f'{axis}label', '')}"):
            raise Mismatch(MEASURE_UNNAMED)
        if self.largest_first:
            order = answer.get("order", labels)
            heights = [bars[label] for label in order]
            if any(later > earlier for earlier, later in zip(heights, heights[1:])):
                raise Mismatch(NOT_SORTED)
        if self.no_offset and str(answer.get("value_offset", "")).strip():
            raise Mismatch(OFFSET)

    def compare_charts(self, answer, chart: dict) -> None:
        """Whether ``answer`` is ``chart`` (a typical mistake's, :func:`measure_unnamed`): its bars, and a title and
        value-axis label that name the measure exactly when ``chart``'s do."""
        heights = pd.Series(chart["values"], index=chart["labels"], dtype="float64")
        problem = self.problem(answer, heights)
        if problem != self.problem(chart, heights):
            raise Mismatch(problem or "the chart is right")

    def problem(self, answer, heights: pd.Series) -> str | None:
        """The message :meth:`compare` gives ``answer`` against the bars ``heights``, None when it passes."""
        try:
            self.compare(answer, heights)
        except Mismatch as e:
            return str(e)
        return None

    def answers(self, expected) -> list:
        """The chart of the reference's own bars (the first accepted method's); a chart already (a typical mistake's,
        as :func:`measure_unnamed` draws it) stands for itself."""
        if isinstance(expected, dict):
            return [expected]
        expected = expected[0] if isinstance(expected, list) else expected
        if self.largest_first:
            expected = expected.sort_values(ascending=False, kind="stable")
        value = self.measure[0] if self.measure else "value"
        return [chart_of(expected, title="chart", label=value, xlabel=self.describe)]



def measure_unnamed(reference) -> Mistake:
    """The typical mistake of a chart question whose :attr:`BarChart.measure` is declared: the right bars under a
    title and a value-axis label that say nothing of what they measure ("Chart", "value")."""
    def answer(ds) -> dict:
        heights = reference(ds)
        heights = heights[0] if isinstance(heights, list) else heights
        return chart_of(heights.sort_values(ascending=False, kind="stable"), title="Chart", label="value")
    return Mistake("measure-unnamed", MEASURE_UNNAMED, answer)


def chart_of(heights: pd.Series, title: str, label: str, xlabel: str = "", offset: str = "") -> dict:
    """A bar chart as :func:`bar_chart` reads it: upright bars of ``heights`` in its order, on a linear value axis
    labelled ``label``, without error bars (``offset``: what the value axis writes above its ticks)."""
    labels = list(map(str, heights.index))
    return {"kind": KIND, "labels": labels, "values": [float(v) for v in heights], "value_scale": "linear",
            "error_bars": 0, "title": title, "xlabel": xlabel, "ylabel": label, "order": labels,
            "value_offset": offset}
