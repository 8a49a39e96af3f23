"""Work units: the tests one xdist worker runs together (tests/conftest.py hands them out).

A unit is a test file (``--dist loadfile``), except in the files of SPLIT_BY_NOTEBOOK_GROUP: there the tests
whose id names a notebook form one unit per group of notebooks, so the groups run on several workers at once,
and each worker builds the expensive fixtures (a real nbgrader course, the step table's answers on 21 worlds)
of its groups only.
"""

from __future__ import annotations

import re

#: Notebooks whose per-notebook work (a real nbgrader course, the step table's answers) runs together on one
#: worker, in groups of about the same CPU time. A notebook not listed is a group of its own.
NOTEBOOK_GROUPS = (
    ("01_first_look", "02_engagement_kpis", "03_when_to_post"),
    ("04_what_to_post", "05_audience_local_time", "06_campaigns_ab_tests"),
    ("07_growth_and_crisis", "08_anomalies", "09_comments_sentiment"),
    ("10_influencer_vetting", "11_dirty_export", "12_capstone_insight_report"),
)
#: Files whose tests of each notebook group are a work unit of their own (so several workers share the file);
#: their expensive fixtures are built per group, on the worker that runs it (see ``notebook_group``).
SPLIT_BY_NOTEBOOK_GROUP = ("test_exercises_nbgrader.py", "test_exercises_lessons.py", "test_exercises_checks.py",
                           "test_exercises_charts.py")
#: A notebook's name inside a test id, as parametrize writes it: ``test_x[01_first_look-solution_default]``.
NOTEBOOK_IN_ID = re.compile(r"(?<![\w])(\d\d_[a-z][a-z0-9_]*)(?![\w])")


def notebook_group(notebook: str) -> str:
    """The name of ``notebook``'s group in NOTEBOOK_GROUPS (itself when it is in none)."""
    for group in NOTEBOOK_GROUPS:
        if notebook in group:
            return f"{group[0][:2]}-{group[-1][:2]}"
    return notebook


def work_unit(nodeid: str) -> str:
    """The work unit of a test: its file, or in a SPLIT_BY_NOTEBOOK_GROUP file, the file and the group of the
    notebook its id names (its other tests stay together as the file's unit)."""
    path, _, rest = nodeid.partition("::")
    params = rest.partition("[")[2]
    named = NOTEBOOK_IN_ID.search(params) if path.rpartition("/")[2] in SPLIT_BY_NOTEBOOK_GROUP else None
    return f"{path}@{notebook_group(named.group(1))}" if named else path
