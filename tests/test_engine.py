"""The exercise engine on small hand-made data: comparisons, outcomes, views, grading."""

from dataclasses import replace

import pandas as pd
import pytest

import sandbox
from sandbox.exercises import CheckFailed, Exercise, GradeFailure, Mistake, NotAttempted, Question, Step
from sandbox.exercises._compare import FrameMatch, MemberOf, Mismatch, Moment, Scalar, SeriesMatch, Several, Values
from sandbox.exercises._question import resolve_dataset
from sandbox.exercises import ex06_campaigns_ab_tests as ex06


def mismatch(comparison, answer, expected) -> str | None:
    try:
        comparison.compare(answer, expected)
    except Mismatch as e:
        return str(e)
    return None


# --- comparisons -----------------------------------------------------------

def test_scalar_tolerance_direction_and_percent():
    c = Scalar(rtol=1e-3)
    assert mismatch(c, 0.12345, 0.1234567) is None
    assert "too high" in mismatch(c, 0.2, 0.1234567)
    assert "too low" in mismatch(c, 0.1, 0.1234567)
    assert "percentage" in mismatch(c, 12.34567, 0.1234567)
    assert "single number" in mismatch(c, pd.Series([1.0]), 1.0)
    assert "expected a number" in mismatch(c, "0.12", 0.12)


def test_scalar_messages_never_show_the_expected_value():
    msg = mismatch(Scalar(), 0.5, 0.0371)
    assert "0.0371" not in msg and "0.5" in msg


def test_series_diff_lists_rows_and_direction():
    want = pd.Series({"instagram": 0.02, "tiktok": 0.05, "x": 0.001})
    got = pd.Series({"instagram": 0.02, "tiktok": 0.09, "x": 0.0001})
    msg = mismatch(SeriesMatch(), got, want)
    assert "2 of 3 values differ" in msg
    assert "tiktok: 0.09 is too high" in msg and "x: 0.0001 is too low" in msg
    assert "0.05" not in msg and "0.001 " not in msg


def test_series_order_labels_percent_and_types():
    want = pd.Series({"a": 3, "b": 2, "c": 1})
    assert mismatch(SeriesMatch(), want[::-1], want) is None  # order-insensitive by default
    assert "wrong order" in mismatch(SeriesMatch(ordered=True), want[::-1], want)
    assert mismatch(SeriesMatch(), want[["a", "b"]], want) == "index differs: some expected labels are missing"
    assert "unexpected labels: z" in mismatch(SeriesMatch(), pd.concat([want, pd.Series({"z": 0})]), want)
    assert "every value looks like a percentage" in mismatch(SeriesMatch(), want * 100.0, want.astype(float))
    assert "DataFrame" in mismatch(SeriesMatch(), pd.DataFrame({"u": [1], "v": [2]}), want)
    assert mismatch(SeriesMatch(), want.to_frame("n"), want) is None
    assert mismatch(SeriesMatch(), {"a": 3, "b": 2, "c": 1}, want) is None
    assert "repeated labels" in mismatch(SeriesMatch(), pd.Series([1, 2], index=["a", "a"]), want)


def test_series_ignore_zero_and_nan():
    want = pd.Series({"a": 3, "b": 0})
    assert mismatch(SeriesMatch(ignore_zero=True), pd.Series({"a": 3}), want) is None
    assert mismatch(SeriesMatch(), pd.Series({"a": 3}), want) is not None
    nan = pd.Series({"a": float("nan"), "b": 1.0})
    assert mismatch(SeriesMatch(), nan, nan) is None
    assert "missing (NaN)" in mismatch(SeriesMatch(), pd.Series({"a": 1.0, "b": 1.0}), nan)


def test_frame_columns_rows_and_cells():
    want = pd.DataFrame({"er_reach": [0.1, 0.2], "er_impressions": [0.05, 0.1]}, index=["x", "y"])
    assert mismatch(FrameMatch(), want[["er_impressions", "er_reach"]], want) is None
    assert "missing columns: er_impressions" in mismatch(FrameMatch(), want[["er_reach"]], want)
    assert mismatch(FrameMatch(), want.iloc[:1], want) == "your table has 1 rows, fewer than expected"
    wrong = want.assign(er_reach=[0.1, 0.3])
    msg = mismatch(FrameMatch(), wrong, want)
    assert msg.startswith("column 'er_reach'") and "y: 0.3 is too high" in msg
    assert "DataFrame" in mismatch(FrameMatch(), want["er_reach"], want)


def test_member_of_values_moment_several():
    assert mismatch(MemberOf(int, "hour"), 10, {9, 10, 11}) is None
    assert mismatch(MemberOf(int, "hour"), 3, {9, 10}) == "3 is not the right hour"
    assert "whole number" in mismatch(MemberOf(int, "hour"), 10.5, {10})
    assert "whole number" in mismatch(MemberOf(int, "hour"), "10", {10})
    assert mismatch(MemberOf(str, "platform"), " Instagram ", {"instagram"}) is None
    assert "allowed answers" in mismatch(MemberOf(str, "choice", options=("higher", "lower")), "up", {"lower"})
    assert mismatch(Values(), ["x", "tiktok"], ["tiktok", "x"]) is None
    assert "missing" in mismatch(Values(), ["x"], ["tiktok", "x"])
    assert "unexpected: facebook" in mismatch(Values(), ["facebook", "tiktok", "x"], ["tiktok", "x"])
    assert "wrong order" in mismatch(Values(ordered=True), ["x", "tiktok"], ["tiktok", "x"])
    ts = pd.Timestamp("2025-01-01 09:00", tz="UTC")
    assert mismatch(Moment(), "2025-01-01 09:00", ts) is None
    assert "too late" in mismatch(Moment(), ts + pd.Timedelta("1h"), ts)
    pair = Several(("first", "last"), (Moment(), Moment()))
    assert mismatch(pair, (ts, ts), (ts, ts)) is None
    assert mismatch(pair, (ts, ts), (ts, ts + pd.Timedelta("1D"))).startswith("`last`: ")


# --- questions, outcomes, views ---------------------------------------------

class FakeData:
    """Stands in for a Dataset: questions only pass it to their functions."""

    def __init__(self, values):
        self.values = values
        self.truth = {}


def median_question(**kw):
    return Question(
        "q1", "The median of the values.", ("answer",),
        reference=lambda d: float(d.values.median()), comparison=Scalar(),
        hints=("gentle", "explicit"), solution="answer = values.median()",
        mistakes=(Mistake("mean-not-median", "your value equals the MEAN; the question asks for the median",
                          lambda d: float(d.values.mean())),),
        **kw)


DATA = FakeData(pd.Series([1.0, 2.0, 3.0, 100.0]))


@pytest.mark.parametrize("namespace", [{}, {"answer": None}, {"answer": ...}])
def test_unanswered_is_not_attempted(namespace):
    with pytest.raises(NotAttempted, match="set `answer` to your answer"):
        median_question().verify(namespace, DATA)


def test_targeted_mistake_wins_over_generic_message():
    q = median_question()
    q.verify({"answer": 2.5}, DATA)
    with pytest.raises(CheckFailed, match="equals the MEAN"):
        q.verify({"answer": 26.5}, DATA)
    with pytest.raises(CheckFailed, match="too high"):
        q.verify({"answer": 7.0}, DATA)


def test_bound_question_views_and_grade(monkeypatch):
    ns = {}
    (q1,) = Exercise("00_demo", "Demo", (median_question(),), tables=("posts",)).setup(ns, dataset=DATA)
    r = q1.check()
    assert r.status == "not attempted" and "not attempted" in repr(r) and "not attempted" in r._repr_html_()
    with pytest.raises(GradeFailure, match="q1 not attempted"):
        q1.grade()
    ns["answer"] = 26.5
    r = q1.check()
    assert r.status == "failed" and "MEAN" in repr(r) and "MEAN" in r._repr_html_()
    with pytest.raises(GradeFailure) as err:
        q1.grade()
    assert err.value._render_traceback_() == [f"GradeFailure: {err.value}"]  # feedback: the message, no stack
    with monkeypatch.context() as validating:
        validating.setenv("NBGRADER_EXECUTION", "validate")
        shown = err.value._render_traceback_()
    assert shown[0] == "q1 failed:" and "MEAN" in " ".join(shown[1:])  # a short first line, then the message
    assert all(len(line) <= GradeFailure.WIDTH for line in shown)  # wrapped to fit nbgrader's Validate dialog
    assert "2.5" not in str(err.value)  # the expected value never leaks into feedback
    ns["answer"] = 2.5
    assert q1.check().passed and "passed" in q1.check()._repr_html_()
    q1.grade()
    assert "gentle" in repr(q1.hint()) and "q1.hint(2)" in repr(q1.hint())
    assert "explicit" in q1.hint(2)._repr_html_() and "q1.solution()" in repr(q1.hint(5))
    assert "values.median()" in repr(q1.solution()) and "<pre" in q1.solution()._repr_html_()
    assert "q1.check()" in repr(q1) and "`answer`" in repr(q1)
    with pytest.raises(ValueError, match="hint level"):
        q1.hint(0)


def test_question_needs_hints_and_unique_ids():
    with pytest.raises(ValueError, match="hint"):
        median_question(points=1).__class__("q1", "p", ("a",), abs, Scalar(), (), "")
    with pytest.raises(ValueError, match="duplicate"):
        Exercise("00", "t", (median_question(), median_question()), tables=())


def test_checks_use_a_pristine_copy_of_the_notebook_dataset(tmp_path):
    ds = sandbox.generate(seed=3, scale="tiny")
    assert resolve_dataset(ds, ("posts",)) is ds  # in-memory: used as is
    ds.save(tmp_path / "world")
    mine = sandbox.load_dataset(tmp_path / "world")
    mine.posts = mine.posts.iloc[:5]  # the learner filters their copy
    fresh = resolve_dataset(mine, ("posts",))
    assert len(fresh.posts) == len(ds.posts)
    assert resolve_dataset(mine, ("posts",)) is fresh  # loaded once per kernel


def test_report_renders_score_as_text_and_html():
    from sandbox.exercises import Report, Result

    report = Report("01_first_look: First look", (Result("q1", "passed"), Result("q2", "failed", "too <high>", 2)))
    assert (report.score, report.max_score) == (1, 3)
    assert repr(report).splitlines() == ["01_first_look: First look", "  ✓ q1: passed", "  ✗ q2: failed - too <high>",
                                         "score: 1/3"]
    assert "too &lt;high&gt;" in report._repr_html_() and "score: 1/3" in report._repr_html_()
    written = Report("01_first_look: First look", report.results, by_hand=2)
    assert repr(written).splitlines()[-1] == ("score: 1/3 autograded, plus 2 points graded by hand "
                                              "(written answers; 5 in all)")
    assert "plus 2 points graded by hand" in written._repr_html_()


# --- precision of messages ----------------------------------------------------

def test_targeted_message_only_when_exactly_one_mistake_explains_the_answer():
    q = Question(
        "q1", "The median.", ("answer",), reference=lambda d: float(d.values.median()), comparison=Scalar(),
        hints=("h",), solution="answer = values.median()",
        mistakes=(Mistake("mean", "MEAN", lambda d: float(d.values.mean())),
                  Mistake("max-quarter", "MAX / 4", lambda d: float(d.values.max() / 4 + 0.75)),
                  Mistake("sum", "SUM", lambda d: float(d.values.sum()))))
    data = FakeData(pd.Series([0.0, 1.0, 2.0, 97.0]))  # mean 25 == max / 4 + 0.75: two explanations
    with pytest.raises(CheckFailed) as err:
        q.verify({"answer": 25.0}, data)
    assert str(err.value) == "your value 25.0 is too high"
    with pytest.raises(CheckFailed, match="^SUM$"):
        q.verify({"answer": 100.0}, data)


def test_a_mistake_that_finds_nothing_does_not_explain_an_empty_answer():
    """An empty list has many causes; a mistake whose answer is empty on this world cannot name it."""
    q = Question(
        "q1", "The big values.", ("answer",), reference=lambda d: list(d.values[d.values > 10].index),
        comparison=Values(), hints=("h",), solution="answer = ...",
        mistakes=(Mistake("above-1000", "ABOVE 1000", lambda d: list(d.values[d.values > 1000].index)),))
    data = FakeData(pd.Series([0.0, 1.0, 2.0, 97.0]))
    assert q.diagnose([], q.mistake_answers(data)) is None
    assert q.mistakes[0].answer(data) == [] and q.mismatch([], []) is None  # it would have matched


def test_percent_detected_where_the_reference_is_non_zero():
    want = pd.Series([0.0, 0.02, 0.0, 0.05, 0.0])
    assert "every value looks like a percentage" in mismatch(SeriesMatch(), want * 100, want)
    assert "percentage" not in mismatch(SeriesMatch(), want * 100 + pd.Series([0, 0, 0, 1, 0]), want)


def test_nan_answer_says_what_probably_happened():
    assert "NaN" in mismatch(Scalar(), float("nan"), 0.3) and "too" not in mismatch(Scalar(), float("nan"), 0.3)
    custom = Scalar(nan_message="the filter matched no rows")
    assert mismatch(custom, float("nan"), 0.3) == "the filter matched no rows"


def test_one_text_rule_trimmed_and_case_insensitive():
    assert mismatch(MemberOf(str, "brand"), " Acme Foods ", {"acme foods"}) is None
    assert mismatch(MemberOf(str, "brand"), "Acme", {"Acme Foods"}) is not None
    assert mismatch(Values(), ["TikTok ", "X"], ["tiktok", "x"]) is None
    assert mismatch(SeriesMatch(), pd.Series({"Instagram": 1.0}), pd.Series({"instagram": 1.0})) is None


def test_values_messages_never_count_the_expected_items():
    msg = mismatch(Values(), ["x"], ["tiktok", "x", "facebook"])
    assert "missing" in msg and not any(ch.isdigit() for ch in msg)
    msg = mismatch(Values(), ["x", "x", "tiktok"], ["tiktok", "x"])
    assert "repeated" in msg and not any(ch.isdigit() for ch in msg)


def test_ordered_series_accepts_ties_in_any_order():
    want = pd.Series({"a": 3, "b": 2, "c": 2, "d": 1})
    assert mismatch(SeriesMatch(ordered=True), want[["a", "c", "b", "d"]], want) is None
    assert "wrong order" in mismatch(SeriesMatch(ordered=True), want[["a", "d", "b", "c"]], want)


def test_best_with_evidence_card():
    from sandbox.exercises._compare import BestWithEvidence

    values = pd.Series({12: 0.010, 13: 0.020, 14: 0.0193})  # 0.0193: no rounding of it gives 0.020
    card = BestWithEvidence("hour")
    assert mismatch(card, (13, 0.020), ({13, 14}, values)) is None
    assert mismatch(card, (14, 0.0193), ({13, 14}, values)) is None
    assert "too high" in mismatch(card, (14, 0.020), ({13, 14}, values))  # evidence of another hour
    assert "not the right hour" in mismatch(card, (12, 0.010), ({13, 14}, values))
    assert card.answers(({13, 14}, values)) == [(13, 0.020), (14, 0.0193)]


# --- nbgrader and the HTML view -----------------------------------------------

def test_check_fails_its_cell_under_nbgrader_and_never_in_jupyterlab(monkeypatch):
    ns = {"answer": 26.5}
    (q1,) = Exercise("00_demo", "Demo", (median_question(),), tables=("posts",)).setup(ns, dataset=DATA)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    assert q1.check().status == "failed"  # JupyterLab: shown, Run All goes on
    for mode in ("validate", "autograde"):
        monkeypatch.setenv("NBGRADER_EXECUTION", mode)
        with pytest.raises(GradeFailure, match="q1 failed: your value equals the MEAN"):
            q1.check()
        ns.pop("answer")
        with pytest.raises(GradeFailure, match="not attempted yet .1 of 1.: q1" if mode == "validate" else
                           "q1 not attempted"):
            q1.check()
        ns["answer"] = 2.5
        assert q1.check() is None  # displayed, not returned: nbgrader would parse a value as a score
        ns["answer"] = 26.5


def test_validate_lists_the_questions_not_attempted_once_at_the_last_question(monkeypatch):
    """nbgrader's Validate lists failing test cells in order: the wrong answers, then one row for what is left."""
    ns = {"answer": 26.5}
    questions = (median_question(), replace(median_question(), id="q2", variables=("later",)),
                 replace(median_question(), id="q3", variables=("last",)))
    q1, q2, q3 = Exercise("00_demo", "Demo", questions, tables=("posts",)).setup(ns, dataset=DATA)
    monkeypatch.setenv("NBGRADER_EXECUTION", "validate")
    with pytest.raises(GradeFailure, match="q1 failed"):
        q1.check()  # a wrong answer fails its own cell
    assert q2.check() is None  # not attempted: no row of its own
    with pytest.raises(GradeFailure) as err:
        q3.check()
    assert (err.value.headline, err.value.message) == ("not attempted yet (2 of 3)", "q2, q3")
    ns["last"] = 26.5
    with pytest.raises(GradeFailure) as err:
        q3.check()  # the last answer is wrong too: its message, then what is left
    assert err.value.headline == "not attempted yet (1 of 3)" and err.value.message.startswith("q3 failed: your value")
    ns["later"] = ns["last"] = 2.5
    assert q3.check() is None


def test_backticks_render_as_code_in_html_only():
    from sandbox.exercises import Hint, Result

    r = Result("q1", "failed", "set `n_posts` to a <number>")
    assert "<code>n_posts</code>" in r._repr_html_() and "&lt;number&gt;" in r._repr_html_()
    assert "`n_posts`" in repr(r)
    h = Hint("q1", 1, 2, "use `len(df)`")
    assert "<code>len(df)</code>" in h._repr_html_() and "`len(df)`" in repr(h)


def test_labels_and_text_values_are_matched_by_the_text_rule_and_shown_as_written():
    """Labels and text values match trimmed and case-insensitive (``norm_text``); messages show the
    learner's own labels as they are written, not lowercased (never an expected one)."""
    want = pd.Series([3.0, 2.0], index=["Gutierrez PLC", "Scott Inc"])
    msg = mismatch(SeriesMatch(), pd.Series([3.0, 1.0], index=["Gutierrez PLC", "Wilson Ltd"]), want)
    assert "Wilson Ltd" in msg and "Scott Inc" not in msg  # an expected label would give the answer away
    msg = mismatch(SeriesMatch(), pd.Series([3.0, 1.0], index=["gutierrez plc", "SCOTT INC"]), want)
    assert msg.startswith("1 of 2 values differ: SCOTT INC: 1.0 is too low")
    verdicts = pd.Series(["B wins", "underpowered"], index=["T0001", "T0002"])
    assert mismatch(SeriesMatch(), pd.Series([" b wins", "Underpowered"], index=["t0001", "T0002"]), verdicts) is None
    msg = mismatch(SeriesMatch(), pd.Series(["A wins", "underpowered"], index=["T0001", "T0002"]), verdicts)
    assert msg == "1 of 2 values differ: T0001: 'A wins' is not right"
    assert "unexpected: T0009" in mismatch(Values(), ["T0001", "T0009"], ["T0001"])


def test_a_moment_can_refuse_text():
    ts = pd.Timestamp("2025-01-01 09:00", tz="UTC")
    assert mismatch(Moment(text=False), ts, ts) is None
    assert "is text, not a timestamp" in mismatch(Moment(text=False), "2025-01-01 09:00:00+00:00", ts)


def test_a_rounded_number_is_told_to_keep_its_precision_not_that_it_is_too_low():
    from sandbox.exercises._compare import Scalar

    expected = 1.72345
    for rounded in (1.72, 1.7, 1.723):
        assert "looks rounded: keep the full precision" in mismatch(Scalar(rtol=1e-6), rounded, expected)
    assert "looks a rounded percentage" in mismatch(Scalar(), 43.8, 0.43777)
    assert mismatch(Scalar(), 1.69, expected).endswith("is too low")  # not a rounding of it
    assert mismatch(Scalar(), 1.8, expected).endswith("is too high")
    assert mismatch(Scalar(), 2.0, expected).endswith("is too high")  # one digit: a guess is not told it is close
    assert "percentage (x 100)" in mismatch(Scalar(), 172.345, expected)


def test_a_count_100_times_too_big_is_not_told_it_looks_like_a_percentage():
    from sandbox.exercises import ex01_first_look, ex07_growth_and_crisis
    from sandbox.exercises._compare import Scalar

    counts = Scalar(rtol=1e-6, percent=False)
    assert mismatch(counts, 2260.0, 22.6).endswith("is too high")
    assert mismatch(counts, 0.226, 22.6).endswith("is too low")
    assert "looks rounded" in mismatch(counts, 22.0, 22.1234)
    assert "percentage" not in mismatch(counts, 2212.34, 22.1234)
    # the questions whose values are counts say so
    assert ex01_first_look.Q1.comparison.percent is False
    normal_net = ex07_growth_and_crisis.Q7.comparison.part.parts[2]
    assert normal_net.percent is False


def test_a_whole_number_rounded_up_is_told_to_round_up():
    """06.q6: clicks per arm, rounded up; 4888.0097 (unrounded) and 4888 (rounded down) are told to round up."""
    c = Scalar(rtol=2e-4, percent=False, round_up=True)
    assert mismatch(c, 4889, 4889.0) is None
    for unrounded in (4888.0097, 4888.9):
        message = mismatch(c, unrounded, 4889.0)
        assert "is not a whole number" in message and "rounded UP" in message
    assert "looks rounded down" in mismatch(c, 4888, 4889.0) and "4889" not in mismatch(c, 4888, 4889.0)
    assert mismatch(c, 4000.5, 4889.0).endswith("is too low")  # far off: rounding is not the problem
    assert "round" not in mismatch(Scalar(rtol=2e-4, percent=False), 4888, 4889.0)
    exact = ex06.CLICKS_PER_ARM  # 06's own: a click short, as int() or round() may give, is rejected too
    assert mismatch(exact, 4889, 4889.0) is None
    assert "looks rounded down" in mismatch(exact, 4888, 4889.0)
    assert "is not a whole number" in mismatch(exact, 4888.6, 4889.0)


def test_mistake_and_step_ids_are_slugs_unique_within_a_question():
    def answer(d):
        return 0.0

    with pytest.raises(ValueError, match="slug"):
        Mistake("Mean Not Median", "m", answer)
    with pytest.raises(ValueError, match="teaches"):
        Step("floor", "m", answer)
    step = Step("floor", "you dropped the floor", answer, teaches="at least FLOOR unfollows")
    assert isinstance(step, Mistake)
    with pytest.raises(ValueError, match="repeat"):
        median_question(steps=(Step("mean-not-median", "m", answer, teaches="the median"),))
    with pytest.raises(ValueError, match="Step"):
        median_question(steps=(Mistake("other", "m", answer),))
    q = median_question(steps=(step,))
    assert [m.id for m in q.known_mistakes] == ["floor", "mean-not-median"]
    assert q.mistake("floor") is step


def test_a_dropped_step_is_diagnosed_like_a_mistake():
    """One mechanism: a step's answer, when it alone explains the learner's, gets the step's message."""
    q = median_question(steps=(Step("drop-outlier", "you kept the outlier; drop values above 50 first",
                                    lambda d: float(d.values.max()), teaches="drop the outlier"),))
    with pytest.raises(CheckFailed, match="^you kept the outlier"):
        q.verify({"answer": 100.0}, DATA)
    assert q.mistake_answer("drop-outlier", DATA) == 100.0
    assert q.mistake_answer("mean-not-median", DATA) == 26.5


def test_a_session_computes_the_mistakes_once_per_dataset_and_only_for_a_wrong_answer():
    calls = []

    def mean(d):
        calls.append(id(d))
        return float(d.values.mean())

    ns = {"answer": 2.5}
    question = median_question().__class__(
        "q1", "The median.", ("answer",), reference=lambda d: float(d.values.median()), comparison=Scalar(),
        hints=("h",), solution="answer = values.median()", mistakes=(Mistake("mean-not-median", "MEAN", mean),))
    (q1,) = Exercise("00_demo", "Demo", (question,), tables=("posts",)).setup(ns, dataset=DATA)
    assert q1.check().passed and calls == []
    for answer in (26.5, 7.0, 26.5):
        ns["answer"] = answer
        q1.check()
    assert calls == [id(DATA)]
