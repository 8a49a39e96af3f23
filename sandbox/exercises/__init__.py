"""Graded exercises: the question engine and one module of questions per notebook.

In a notebook (``exercises/01_first_look.ipynb``)::

    from sandbox.exercises import ex01_first_look as ex
    q1, q2, q3, q4, q5, q6, q7, q8, q9 = ex.setup(globals())
    ...
    q1.check()      # passed / what is wrong / not attempted
    q1.hint()       # gentle; q1.hint(2) more explicit
    q1.solution()   # the reference code

Expected answers are computed from the dataset the notebook uses
(``sandbox.load_dataset()``), so checks work on any generated world. The
same checks are the nbgrader hidden tests (``q1.grade()``).
"""

from ._question import BoundQuestion, CheckFailed, Exercise, GradeFailure, Mistake, NotAttempted, Question, Step
from ._view import Hint, Report, Result, Solution

#: Exercise modules by notebook name (``NN_slug`` -> ``sandbox.exercises.exNN_slug``).
NOTEBOOKS = {
    "01_first_look": "sandbox.exercises.ex01_first_look",
    "02_engagement_kpis": "sandbox.exercises.ex02_engagement_kpis",
    "03_when_to_post": "sandbox.exercises.ex03_when_to_post",
    "04_what_to_post": "sandbox.exercises.ex04_what_to_post",
    "05_audience_local_time": "sandbox.exercises.ex05_audience_local_time",
    "06_campaigns_ab_tests": "sandbox.exercises.ex06_campaigns_ab_tests",
    "07_growth_and_crisis": "sandbox.exercises.ex07_growth_and_crisis",
    "08_anomalies": "sandbox.exercises.ex08_anomalies",
    "09_comments_sentiment": "sandbox.exercises.ex09_comments_sentiment",
    "10_influencer_vetting": "sandbox.exercises.ex10_influencer_vetting",
    "11_dirty_export": "sandbox.exercises.ex11_dirty_export",
    "12_capstone_insight_report": "sandbox.exercises.ex12_capstone_insight_report",
}

#: The four skills the article names, and the notebooks that train each (EXERCISES.md, "The curriculum, by
#: the skills the article names"). A notebook may train two: 02's rates are data to insight, its industry
#: benchmarks subject expertise. Class reports and `sandbox progress` read the skills from here.
SKILLS = {
    "data to insight": ("01_first_look", "02_engagement_kpis", "03_when_to_post", "04_what_to_post",
                        "07_growth_and_crisis", "08_anomalies", "12_capstone_insight_report"),
    "creativity": ("06_campaigns_ab_tests",),
    "audience": ("05_audience_local_time",),
    "subject expertise": ("02_engagement_kpis", "09_comments_sentiment", "10_influencer_vetting",
                          "11_dirty_export"),
}


def get_exercise(notebook: str) -> Exercise:
    """The Exercise of a notebook name such as ``"01_first_look"`` (path or ``.ipynb`` allowed)."""
    import importlib
    from pathlib import Path

    name = Path(notebook).stem
    if name not in NOTEBOOKS:
        raise ValueError(f"no exercise for notebook {name!r}; known notebooks: {', '.join(NOTEBOOKS)}")
    return importlib.import_module(NOTEBOOKS[name]).EXERCISE


__all__ = [
    "BoundQuestion", "CheckFailed", "Exercise", "GradeFailure", "Hint", "Mistake", "NOTEBOOKS",
    "NotAttempted", "Question", "Report", "Result", "SKILLS", "Solution", "Step", "get_exercise",
]
