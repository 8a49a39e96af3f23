"""Compare a learner's answer with the expected one, pandas-aware.

Each comparison is a small object with one method, ``compare(answer,
expected)``, that returns nothing when the answer is right and raises
:class:`Mismatch` with a learner-facing message when it is not.

Messages describe what is wrong with the learner's answer (wrong type, missing
labels, which rows are too high or too low) but never print the expected
values: the same messages end up in nbgrader feedback.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from numbers import Number

import numpy as np
import pandas as pd


class Mismatch(Exception):
    """The answer differs from the expected one; ``str()`` says how, without the answer."""


#: How many differing rows a Series/DataFrame diff lists.
SHOW_ROWS = 5


def is_number(x) -> bool:
    return isinstance(x, (Number, np.number)) and not isinstance(x, (bool, np.bool_))


def close(a: float, b: float, rtol: float, atol: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return abs(a - b) <= atol + rtol * abs(b)


def norm_text(x) -> str:
    """The one rule for text answers and labels: trimmed, case-insensitive."""
    return str(x).strip().lower()


def norm_texts(values) -> np.ndarray:
    """:func:`norm_text` of every value (an Index, a Series or an array), vectorised for text."""
    values = pd.Series(np.asarray(values, dtype=object))
    kind = pd.api.types.infer_dtype(values, skipna=False)
    if kind == "string":
        return values.str.strip().str.lower().to_numpy(dtype=object)
    if kind == "integer":  # str() of an integer is already trimmed and lowercase
        return values.astype("int64").astype(str).to_numpy(dtype=object)
    return values.map(norm_text).to_numpy(dtype=object)


def fmt(x) -> str:
    """Short display of one learner value."""
    if is_number(x) and not float(x).is_integer():
        return f"{float(x):.4g}"
    return repr(x) if isinstance(x, str) else str(x)


def percent_hint(answer: float, expected: float, rtol: float) -> str | None:
    """A message when ``answer`` is ``expected`` scaled by 100 (or 1/100)."""
    if expected == 0 or answer == 0:
        return None
    if close(answer, expected * 100, rtol, 0):
        return "looks like a percentage (x 100); the question asks for a fraction such as 0.05, not 5"
    if close(answer, expected / 100, rtol, 0):
        return "looks 100 times too small: the question asks for a percentage here, such as 5 for 5%"
    return None


def rounding_hint(answer: float, expected: float, percent: bool = True) -> str | None:
    """A message when ``answer`` is ``expected`` (or, if ``percent``, its percentage) rounded to 2-4
    significant digits.

    A rounded answer is right but for its precision: "too low" would send the learner after a wrong
    method. One significant digit is left out: a guess such as 0.05 would be told it is close.
    """
    if expected == 0 or not math.isfinite(expected) or not math.isfinite(answer):
        return None
    for scale, what in ((1, "rounded"), (100, "a rounded percentage"))[:2 if percent else 1]:
        target = expected * scale
        for digits in range(2, 5):
            places = digits - 1 - math.floor(math.log10(abs(target)))
            if math.isclose(answer, round(target, places), rel_tol=1e-9, abs_tol=1e-15):
                fix = "give the fraction, such as 0.05, at full precision" if scale == 100 else \
                    "keep the full precision (round only what you show a reader, not the answer)"
                return f"looks {what}: {fix}"
    return None


def percent_hint_all(answer: np.ndarray, expected: np.ndarray, rtol: float) -> str | None:
    """:func:`percent_hint` for arrays: a message when every value is scaled the same way.

    Only values where the expected one is non-zero count: a zero is the same at any scale.
    """
    nonzero = (expected != 0) & ~np.isnan(expected)
    if not nonzero.any():
        return None
    a, e = answer[nonzero], expected[nonzero]
    for factor in (100, 0.01):
        if np.allclose(a, e * factor, rtol=rtol, atol=0, equal_nan=False):
            return percent_hint(float(a[0]), float(e[0]), rtol)
    return None


@dataclass(frozen=True)
class Scalar:
    """A single number, within ``rtol`` (relative) or ``atol`` (absolute)."""

    rtol: float = 1e-4
    atol: float = 1e-12
    #: What a NaN answer probably means (when the expected value is a number).
    nan_message: str = "your value is NaN (missing): did a filter keep no rows, or a division have nothing to divide?"
    #: The value is a share or a rate, which a learner may give as a percentage; False for counts and money,
    #: where an answer 100 times the value is not told "looks like a percentage".
    percent: bool = True
    #: The question asks for a whole number rounded up (a sample size): an unrounded or a rounded-down value
    #: is told to round up, not that it is too low.
    round_up: bool = False

    def compare(self, answer, expected) -> None:
        if isinstance(answer, (pd.Series, pd.DataFrame, np.ndarray, list, tuple, dict)):
            raise Mismatch(f"expected a single number, got a {type(answer).__name__}; "
                           "pick one value (for example with .iloc[0] or a reduction such as .sum())")
        if not is_number(answer):
            raise Mismatch(f"expected a number, got {type(answer).__name__} {fmt(answer)}")
        a, e = float(answer), float(expected)
        if self.round_up and math.isfinite(a) and (close(math.ceil(a), e, self.rtol, self.atol)
                                                   or (a.is_integer() and close(a + 1, e, self.rtol, self.atol))):
            if not a.is_integer() or not close(a, e, self.rtol, self.atol):
                how = "is not a whole number" if not a.is_integer() else "looks rounded down"
                raise Mismatch(f"your value {fmt(answer)} {how}: the question asks for it rounded UP to a whole "
                               "number (math.ceil)")
        if close(a, e, self.rtol, self.atol):
            return
        if math.isnan(a):
            raise Mismatch(self.nan_message)
        hint = (percent_hint(a, e, self.rtol) if self.percent else None) or rounding_hint(a, e, self.percent)
        if hint:
            raise Mismatch(f"your value {fmt(answer)} {hint}")
        direction = "too high" if a > e else "too low"
        raise Mismatch(f"your value {fmt(answer)} is {direction}")


@dataclass(frozen=True)
class MemberOf:
    """The answer must be one of a set of accepted values (insight questions).

    ``expected`` is that set, computed from the planted truth and the data (or one text label).
    ``cast`` turns the learner's answer into a comparable value (int, str).
    """

    cast: type = int
    describe: str = "value"
    options: tuple | None = None  # the allowed answers, when the question offers a choice

    def compare(self, answer, expected) -> None:
        if isinstance(answer, (pd.Series, pd.DataFrame, pd.Index, list, tuple, set, np.ndarray)):
            raise Mismatch(f"expected a single {self.describe}, got a {type(answer).__name__}")
        if self.cast is int and not is_number(answer):
            raise Mismatch(f"expected a whole number ({self.describe}), got {type(answer).__name__} {fmt(answer)}")
        if self.cast is int and not float(answer).is_integer():
            raise Mismatch(f"expected a whole number ({self.describe}), got {fmt(answer)}")
        if self.cast is str and not isinstance(answer, str):
            raise Mismatch(f"expected a text answer ({self.describe}), got {type(answer).__name__} {fmt(answer)}")
        value = norm_text(answer) if self.cast is str else self.cast(answer)
        if self.options is not None and value not in self.options:
            raise Mismatch(f"{answer!r} is not one of the allowed answers: {', '.join(map(repr, self.options))}")
        if self.cast is str:
            expected = {norm_text(e) for e in ([expected] if isinstance(expected, str) else expected)}
        if value not in expected:
            raise Mismatch(f"{fmt(answer)} is not the right {self.describe}")


@dataclass(frozen=True)
class BestWithEvidence:
    """An insight card: a best label and its evidence number (the label's value in the data).

    ``expected`` is ``(accepted labels, values per label)``: the label must be one of the accepted
    ones (the best and its near-ties) and the evidence must be that label's value within ``rtol``.
    """

    describe: str = "hour"
    rtol: float = 1e-4

    def compare(self, answer, expected) -> None:
        if not isinstance(answer, (tuple, list)) or len(answer) != 2:
            raise Mismatch(f"expected two answers (the {self.describe} and its evidence number)")
        label, evidence = answer
        accepted, values = expected
        MemberOf(int, self.describe).compare(label, accepted)
        Scalar(self.rtol).compare(evidence, values[int(label)])

    def answers(self, expected) -> list:
        """Every answer ``expected`` accepts, as a learner would give it."""
        accepted, values = expected
        return [(h, float(values[h])) for h in sorted(accepted) if h in values.index]


@dataclass(frozen=True)
class Values:
    """A collection of labels (list, set, Index, Series values); ``ordered`` if order matters."""

    ordered: bool = False

    def compare(self, answer, expected) -> None:
        if isinstance(answer, (str, Number)) or answer is None:
            raise Mismatch(f"expected a list of values, got {type(answer).__name__} {fmt(answer)}")
        answer = list(answer)
        got = [norm_text(x) for x in answer]
        want = [norm_text(x) for x in list(expected)]
        missing = sorted(set(want) - set(got))
        extra = sorted(set(got) - set(want))
        if missing or extra:
            parts = []
            if missing:
                parts.append("some expected values are missing")
            if extra:
                shown = {norm_text(x): str(x) for x in answer}  # as the learner wrote them
                parts.append("unexpected: " + ", ".join(shown[x] for x in extra[:SHOW_ROWS]))
            raise Mismatch("; ".join(parts))
        if len(got) != len(set(got)):
            raise Mismatch("some values are repeated; give each value once")
        if self.ordered and got != want:
            raise Mismatch("the right values in the wrong order; sort them as the question asks")


@dataclass(frozen=True)
class SeriesMatch:
    """A Series indexed by labels (e.g. platform -> value).

    ``ordered``: the row order matters (a sorted ranking). Index names and the
    Series name are ignored; a one-column DataFrame or a dict is accepted.
    """

    rtol: float = 1e-4
    atol: float = 1e-12
    ordered: bool = False
    ignore_zero: bool = False  # labels with a 0 value may be present or absent (unused categories)

    def to_series(self, answer) -> pd.Series:
        if isinstance(answer, dict):
            return pd.Series(answer)
        if isinstance(answer, pd.DataFrame) and answer.shape[1] == 1:
            return answer.iloc[:, 0]
        if isinstance(answer, pd.DataFrame):
            raise Mismatch(f"expected a Series (one value per label), got a DataFrame with columns {list(answer.columns)}; "
                           "select one column")
        if not isinstance(answer, pd.Series):
            raise Mismatch(f"expected a pandas Series, got {type(answer).__name__}")
        return answer

    def compare(self, answer, expected: pd.Series) -> None:
        got = self.to_series(answer)
        if self.ignore_zero and pd.api.types.is_numeric_dtype(got.dtype):
            got, expected = got[got != 0], expected[expected != 0]
        if got.index.equals(expected.index) and not got.index.has_duplicates:
            # the same labels in the same order (a Series aligned with ds.posts): nothing to match as text
            self.compare_values(got, expected)
            return
        got_keys = pd.Index(norm_texts(got.index), dtype=object)
        want_keys = pd.Index(norm_texts(expected.index), dtype=object)
        if got_keys.has_duplicates:
            # labels are matched trimmed and case-insensitive: 'Instagram' and ' instagram' are one label
            first = got_keys[got_keys.duplicated()][0]
            spellings = ", ".join(repr(str(k)) for k, key in zip(got.index, got_keys) if key == first)
            raise Mismatch(f"your index has repeated labels ({spellings} are one label once trimmed and "
                           "lowercased); group so that each label appears once")
        # labels are matched trimmed and case-insensitive, but shown as they are written
        missing = not want_keys.isin(got_keys).all()
        extra = [str(k) for k in got.index[~got_keys.isin(want_keys)]]
        if missing or extra:
            # only the learner's own labels are shown: an expected label would give the answer away
            parts = []
            if extra:
                more = f" (and {len(extra) - SHOW_ROWS} more)" if len(extra) > SHOW_ROWS else ""
                parts.append("unexpected labels: " + ", ".join(extra[:SHOW_ROWS]) + more)
            if missing:
                parts.append("some expected labels are missing")
            raise Mismatch("index differs: " + "; ".join(parts))
        names = list(got.index)
        got = pd.Series(got.to_numpy(), index=got_keys)
        want = pd.Series(expected.to_numpy(), index=want_keys)
        self.compare_values(got, want.reindex(got.index), names)
        # ties may come in any order: the values, read in the learner's order, must match the sorted ones
        if self.ordered and not np.array_equal(want.reindex(got_keys).to_numpy(), want.to_numpy()):
            raise Mismatch("the right values in the wrong order; sort as the question asks "
                           "(sort_values(ascending=...))")

    def compare_values(self, got: pd.Series, want: pd.Series, names: list | None = None) -> None:
        """Compare values aligned on the same index; ``names`` are the labels to show (default: the index).

        Numbers within the tolerances; text by the one rule for text (trimmed, case-insensitive).
        """
        numeric = pd.api.types.is_numeric_dtype(want.dtype) and not pd.api.types.is_bool_dtype(want.dtype)
        if numeric:
            if not pd.api.types.is_numeric_dtype(got.dtype) or pd.api.types.is_bool_dtype(got.dtype):
                raise Mismatch(f"expected numbers, your values have dtype {got.dtype}")
            g = got.to_numpy(dtype="float64", na_value=np.nan)
            w = want.to_numpy(dtype="float64", na_value=np.nan)
            ok = np.isclose(g, w, rtol=self.rtol, atol=self.atol, equal_nan=True)
        else:
            g = got.astype("str").to_numpy()
            w = want.astype("str").to_numpy()
            ok = norm_texts(g) == norm_texts(w)
        if ok.all():
            return
        bad = np.flatnonzero(~ok)
        keys = got.index if names is None else names
        if numeric:
            hint = percent_hint_all(g, w, self.rtol)
            if hint:
                raise Mismatch("every value " + hint)
            if np.isnan(g[bad]).any() != np.isnan(w[bad]).any():
                nan_note = "; some values are missing (NaN) where a number is expected, or the other way round"
            else:
                nan_note = ""
            rows = [f"{keys[i]}: {fmt(g[i])} is " + ("not right" if np.isnan(g[i]) or np.isnan(w[i])
                                                      else "too high" if g[i] > w[i] else "too low")
                    for i in bad[:SHOW_ROWS]]
        else:
            nan_note = ""
            rows = [f"{keys[i]}: {fmt(g[i])} is not right" for i in bad[:SHOW_ROWS]]
        more = f" (and {len(bad) - SHOW_ROWS} more)" if len(bad) > SHOW_ROWS else ""
        raise Mismatch(f"{len(bad)} of {len(got)} values differ: " + "; ".join(rows) + more + nan_note)


@dataclass(frozen=True)
class FrameMatch:
    """A DataFrame: same columns (any order), same rows by index, values within tolerance."""

    rtol: float = 1e-4
    atol: float = 1e-12

    def compare(self, answer, expected: pd.DataFrame) -> None:
        if not isinstance(answer, pd.DataFrame):
            raise Mismatch(f"expected a pandas DataFrame, got {type(answer).__name__}")
        got_cols = [str(c) for c in answer.columns]
        want_cols = [str(c) for c in expected.columns]
        missing = [c for c in want_cols if c not in got_cols]
        extra = [c for c in got_cols if c not in want_cols]
        if missing or extra:
            parts = []
            if missing:
                parts.append("missing columns: " + ", ".join(missing))
            if extra:
                parts.append("unexpected columns: " + ", ".join(extra))
            raise Mismatch("columns differ: " + "; ".join(parts))
        if answer.shape[0] != expected.shape[0]:
            raise Mismatch(f"your table has {answer.shape[0]} rows, "
                           f"{'more' if answer.shape[0] > expected.shape[0] else 'fewer'} than expected")
        got = answer.copy()
        got.columns = got_cols
        want = expected.copy()
        want.columns = want_cols
        series = SeriesMatch(self.rtol, self.atol)
        for col in want_cols:
            try:
                series.compare(got[col], want[col])
            except Mismatch as e:
                raise Mismatch(f"column {col!r}: {e}") from None


@dataclass(frozen=True)
class Moment:
    """A point in time; a naive answer is read as UTC, strings are parsed unless ``text`` is False."""

    #: False where the question teaches parsing: text such as '2025-01-01 00:59:50+00:00' is refused.
    text: bool = True
    #: Whole days either way that still count as right (a noise band for dates read off noisy data).
    days: int = 0

    def compare(self, answer, expected) -> None:
        if isinstance(answer, (pd.Series, pd.DataFrame, pd.Index, list, tuple, np.ndarray)):
            raise Mismatch(f"expected a single timestamp, got a {type(answer).__name__}")
        if isinstance(answer, str) and not self.text:
            raise Mismatch(f"{answer!r} is text, not a timestamp: parse the column with "
                           "pd.to_datetime(..., utc=True) first (ds.posts['posted_at'] is already parsed)")
        try:
            ts = pd.Timestamp(answer)
        except (TypeError, ValueError):
            raise Mismatch(f"expected a timestamp, got {type(answer).__name__} {fmt(answer)}") from None
        if pd.isna(ts):
            raise Mismatch("your timestamp is missing (NaT)")
        if ts.tzinfo is None:
            ts = ts.tz_localize("UTC")
        if abs(ts - expected) > pd.Timedelta(days=self.days):
            raise Mismatch(f"{ts} is too {'late' if ts > expected else 'early'}")


@dataclass(frozen=True)
class Several:
    """Several answers read together (a question with several variables)."""

    names: tuple[str, ...]
    parts: tuple

    def compare(self, answer, expected) -> None:
        for name, part, a, e in zip(self.names, self.parts, answer, expected):
            try:
                part.compare(a, e)
            except Mismatch as err:
                raise Mismatch(f"`{name}`: {err}") from None

    def answers(self, expected) -> list:
        """Every answer ``expected`` accepts: a part whose expected value is a set of accepted labels
        (near-ties) stands for each of them."""
        options = [sorted(e, key=str) if isinstance(e, set) else [e] for e in expected]
        return [tuple(combo) for combo in itertools.product(*options)]


@dataclass(frozen=True)
class AnyOf:
    """The answer matches one of several expected values, each compared with ``part``.

    ``expected`` is a list, the data's own reading first: the other items are the readings within a
    noise band (a crisis window a day longer or shorter), and an answer consistent with any of them is
    right. A wrong answer gets the message of the comparison with the first.
    """

    part: object

    def compare(self, answer, expected: list) -> None:
        try:
            self.part.compare(answer, expected[0])
        except Mismatch:
            for item in expected[1:]:
                try:
                    self.part.compare(answer, item)
                    return
                except Mismatch:
                    continue
            raise

    def answers(self, expected: list) -> list:
        """The answers the data's own reading stands for."""
        first = expected[0]
        if hasattr(self.part, "answers"):
            return self.part.answers(first)
        return [first]


@dataclass(frozen=True)
class LabelCard:
    """An insight card with a text label: the label, its evidence number and its size.

    ``expected`` is ``(accepted labels, value per label, size per label)``: the label must be one
    of the accepted ones (the best and its near-ties), the evidence that label's value within
    ``rtol`` and the size that label's size (a sample size exactly, a share within ``size_rtol``).
    """

    describe: str = "topic"
    rtol: float = 1e-4
    #: What the third answer is, and its tolerance (a count is exact; a share within ``size_rtol``).
    size_name: str = "sample size"
    size_rtol: float = 0.0
    size_atol: float = 0.5

    def compare(self, answer, expected) -> None:
        if not isinstance(answer, (tuple, list)) or len(answer) != 3:
            raise Mismatch(f"expected three answers (the {self.describe}, its evidence number and its {self.size_name})")
        label, evidence, count = answer
        accepted, values, counts = expected
        MemberOf(str, self.describe).compare(label, accepted)
        key = {norm_text(k): k for k in values.index}[norm_text(label)]
        try:
            Scalar(self.rtol).compare(evidence, values[key])
        except Mismatch as e:
            raise Mismatch(f"evidence: {e}") from None
        try:
            Scalar(self.size_rtol, self.size_atol).compare(count, counts[key])
        except Mismatch as e:
            raise Mismatch(f"{self.size_name}: {e}") from None

    def answers(self, expected) -> list:
        accepted, values, counts = expected
        size = int if self.size_atol >= 0.5 else float
        return [(k, float(values[k]), size(counts[k])) for k in sorted(accepted) if k in values.index]


@dataclass(frozen=True)
class ChoiceAndBest:
    """A decision, then the best label it leads to and that label's evidence: ``(choice, label, evidence)``.

    ``expected`` is ``(accepted choices, accepted labels, value per label)``: the choice must be one of
    ``options`` and accepted, the label one of the accepted ones (the best and its near-ties) and the
    evidence that label's value within ``rtol``.
    """

    options: tuple[str, ...]
    choice: str = "choice"
    describe: str = "label"
    rtol: float = 1e-4

    def compare(self, answer, expected) -> None:
        if not isinstance(answer, (tuple, list)) or len(answer) != 3:
            raise Mismatch(f"expected three answers (the {self.choice}, the {self.describe} and its evidence number)")
        choice, label, evidence = answer
        choices, accepted, values = expected
        MemberOf(str, self.choice, tuple(map(norm_text, self.options))).compare(choice, choices)
        MemberOf(str, self.describe).compare(label, accepted)
        key = {norm_text(k): k for k in values.index}[norm_text(label)]
        try:
            Scalar(self.rtol).compare(evidence, values[key])
        except Mismatch as e:
            raise Mismatch(f"evidence: {e}") from None

    def answers(self, expected) -> list:
        """Every answer ``expected`` accepts, as a learner would give it."""
        choices, accepted, values = expected
        return [(c, k, float(values[k])) for c in sorted(choices) for k in sorted(accepted) if k in values.index]


@dataclass(frozen=True)
class BestPerGroup:
    """An insight card per group (a format per platform): two Series indexed by group, the chosen
    label and its evidence.

    ``expected`` is ``(accepted labels per group (dict of sets), values indexed by (group, label))``:
    every group must be answered, each label must be accepted and each evidence number must be
    that label's value within ``rtol``.
    """

    group: str = "platform"
    describe: str = "format"
    rtol: float = 1e-4

    def compare(self, answer, expected) -> None:
        if not isinstance(answer, (tuple, list)) or len(answer) != 2:
            raise Mismatch(f"expected two answers: the {self.describe} per {self.group} and its evidence")
        labels, evidence = (SeriesMatch().to_series(a) for a in answer)
        accepted, values = expected
        for name, series in ((self.describe, labels), ("evidence", evidence)):
            got = {norm_text(k) for k in series.index}
            if got != {norm_text(g) for g in accepted}:
                missing = sorted({norm_text(g) for g in accepted} - got)
                extra = sorted(got - {norm_text(g) for g in accepted})
                raise Mismatch(f"your {name} Series should have one row per {self.group} with enough posts"
                               + (f"; unexpected: {', '.join(extra)}" if extra else "")
                               + ("; some are missing" if missing else ""))
        labels = {norm_text(k): v for k, v in labels.items()}
        evidence = {norm_text(k): v for k, v in evidence.items()}
        for g in sorted(accepted):
            label = labels[norm_text(g)]
            try:
                MemberOf(str, self.describe).compare(label, accepted[g])
            except Mismatch as e:
                raise Mismatch(f"{g}: {e}") from None
            want = {norm_text(k): v for k, v in values[g].items()}[norm_text(label)]
            try:
                Scalar(self.rtol).compare(evidence[norm_text(g)], want)
            except Mismatch as e:
                raise Mismatch(f"{g} evidence: {e}") from None

    def answers(self, expected) -> list:
        """The answer choosing the first accepted label of each group (ties are rare)."""
        accepted, values = expected
        chosen = {g: sorted(labels)[0] for g, labels in accepted.items()}
        evidence = {g: float(values.get((g, f), np.nan)) for g, f in chosen.items()}
        return [(pd.Series(chosen), pd.Series(evidence))]


@dataclass(frozen=True)
class Flags:
    """A list of flagged labels judged by what the data makes clear (a learner's own rule, say for bots).

    ``expected`` is ``(labels that must be flagged, labels that must not be, the learner's call)``: every
    label of the data is in one of the three sets. Messages say which kind of label is wrong and show only
    the learner's own labels.
    """

    describe: str = "handle"
    #: What the labels that must be flagged have in common, and what the ones that must not be have.
    missing: str = "some clear cases are missing from your list"
    wrong: str = "your list holds labels that are clearly not cases"

    def compare(self, answer, expected) -> None:
        if isinstance(answer, (str, Number, dict)) or answer is None:
            raise Mismatch(f"expected a list of {self.describe}s, got {type(answer).__name__} {fmt(answer)}")
        got = {norm_text(x): str(x) for x in list(answer)}
        must, must_not, free = ({norm_text(x) for x in part} for part in expected)
        unknown = sorted(got[k] for k in got if k not in must | must_not | free)
        if unknown:
            raise Mismatch(f"not {self.describe}s of the data: {', '.join(unknown[:SHOW_ROWS])}")
        wrong = sorted(got[k] for k in got if k in must_not)
        if wrong:
            more = f" (and {len(wrong) - SHOW_ROWS} more)" if len(wrong) > SHOW_ROWS else ""
            raise Mismatch(f"{self.wrong}: {', '.join(wrong[:SHOW_ROWS])}{more}")
        if must - set(got):
            raise Mismatch(self.missing)

    def answers(self, expected) -> list:
        """The answer that flags exactly the labels that must be flagged."""
        return [sorted(expected[0])]


@dataclass(frozen=True)
class MethodCard:
    """An insight card that every accepted method may answer: its label(s), its evidence number and its size.

    Where a question lets the learner choose among fair methods ("the yardstick you judge fair"), ``expected``
    is a list of cards, one per accepted method, the reference's own first; each card is ``(accepted labels,
    value per label, size per label)``. A card names one label (a platform) or several (a format and a topic:
    then its labels are tuples and its Series are indexed by them). The answer ``(*labels, evidence, size)`` is
    right when one method accepts the label and gives that evidence and that size; a wrong answer is told the
    first thing no method accepts (the label, then the evidence, then the size), never a method's number.
    """

    describe: tuple[str, ...] = ("platform",)
    rtol: float = 1e-4
    size_name: str = "sample size"

    def compare(self, answer, expected: list) -> None:
        k = len(self.describe)
        if not isinstance(answer, (tuple, list)) or len(answer) != k + 2:
            raise Mismatch(f"expected {k + 2} answers (the {' and the '.join(self.describe)}, the evidence number and "
                           f"the {self.size_name})")
        labels = answer[:k]
        for name, label in zip(self.describe, labels):
            if not isinstance(label, str):
                raise Mismatch(f"expected a text answer ({name}), got {type(label).__name__} {fmt(label)}")
        key = tuple(norm_text(label) for label in labels)
        # (value per label, size per label, the label as the card holds it) of each method that accepts the label
        methods = [(values, sizes, self.keys(values)[key]) for accepted, values, sizes in expected
                   if key in {self.norm(a) for a in accepted} and key in self.keys(values)]
        if not methods:
            raise Mismatch(f"{', '.join(map(fmt, labels))} is not the right {' and '.join(self.describe)}")
        for position, part, comparison in ((0, "evidence", Scalar(self.rtol)),
                                           (1, self.size_name, Scalar(0.0, 0.5, percent=False))):
            passing, problem = [], None
            for method in methods:
                try:
                    comparison.compare(answer[k + position], method[position][method[2]])
                    passing.append(method)
                except Mismatch as e:
                    problem = problem or e
            if not passing:
                raise Mismatch(f"{part}: {problem}")
            methods = passing

    def norm(self, label) -> tuple:
        return tuple(norm_text(x) for x in (label if isinstance(label, tuple) else (label,)))

    def keys(self, values: pd.Series) -> dict:
        """Normalised label -> the label as the Series holds it."""
        return {self.norm(label): label for label in values.index}

    def answers(self, expected: list) -> list:
        """Every answer the reference's own method accepts, as a learner would give it."""
        accepted, values, sizes = expected[0]
        return [(*(label if isinstance(label, tuple) else (label,)), float(values[label]), int(sizes[label]))
                for label in sorted(accepted, key=str) if label in values.index]
