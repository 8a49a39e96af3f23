"""Answers read back from JSON or Arrow still pass: grading may run outside the kernel on plain data.

H3's grader calls ``question.verify({var: value, ...}, dataset)`` in a separate process with values
serialised by the kernel: numpy scalars become Python numbers, tuples lists, timestamps come back as
timestamps (``export_answers`` gives them their own kind, so text stays distinguishable from a parsed
date), Series and DataFrames come back from Arrow (or JSON, with string labels).
"""

import functools
import io
import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from sandbox.exercises import NOTEBOOKS, get_exercise
from test_exercises_checks import remembering_exercise, solved_namespace


def plain(value):
    """A JSON round trip of a non-pandas value; a timestamp is read back from its ISO text, as
    ``sandbox.course.answers`` decodes the ``timestamp`` kind."""
    if isinstance(value, pd.Timestamp):
        return pd.Timestamp(value.isoformat())

    def default(x):
        if isinstance(x, np.generic):
            return x.item()
        raise TypeError(type(x))
    return json.loads(json.dumps(value, default=default))


def via_arrow(value):
    if isinstance(value, pd.Series):
        return pa.Table.from_pandas(value.to_frame(name=value.name or "value")).to_pandas().iloc[:, 0]
    if isinstance(value, pd.DataFrame):
        return pa.Table.from_pandas(value).to_pandas()
    return plain(value)


def via_json(value):
    if isinstance(value, pd.Series):
        return pd.read_json(io.StringIO(value.to_json()), typ="series")
    if isinstance(value, pd.DataFrame):
        return pd.read_json(io.StringIO(value.to_json()))
    return plain(value)


@pytest.fixture(scope="module")
def solved(default_world):
    """notebook -> its solutions' namespace on the default world, run once for both carries (read, never changed)."""
    return functools.cache(lambda notebook: solved_namespace(get_exercise(notebook), default_world))


@pytest.mark.parametrize("carry", [via_arrow, via_json])
@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_round_tripped_solutions_pass(notebook, carry, default_world, solved):
    exercise = remembering_exercise(notebook)  # both carries are checked against the same references
    ns = solved(notebook)
    for q in exercise.questions:
        values = {name: carry(q.plain_value(ns[name])) for name in q.variables}
        q.verify(values, default_world)
