"""Errors a newcomer meets (issue 23): they come at once, and no hint leads anywhere bad.

- An argument or path error is refused before pandas, numpy or Jupyter are imported (a fraction of
  a second), checked by which modules the process imported, not by a timer.
- Every command an error message suggests (in backquotes, or "add --force") is followed, on a home
  folder holding someone's work: it must succeed, and every file of that work must stay as it was.
"""

from __future__ import annotations

import hashlib
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

import sandbox
from sandbox._notebooks import get_exercises
from sandbox.cli import main

#: Modules whose import costs seconds; an argument error must be found before any of them loads.
HEAVY = ("pandas", "numpy", "scipy", "faker", "nbformat", "nbclient", "jupyter_client", "nbgrader", "seaborn")
SUGGESTION = re.compile(r"`(sandbox [^`]+)`")


def mistakes_in(home: Path) -> list[list[str]]:
    """What a newcomer types wrong in ``home`` (see the ``home`` fixture), as argument lists."""
    nb = "my_exercises/01_first_look.ipynb"
    return [
        ["describe", "my_exercises"], ["validate", "my_exercises"], ["describe", "seeded"],
        ["describe", "notes.txt"], ["validate", "notes.txt"], ["describe", "no_such_world"],
        ["validate", "empty"], ["describe", "my_world/analysis.ipynb"],
        ["check", "my_exercises"], ["check", "exercises/02_engagement_kpis.ipynb"], ["check", "notes.txt"],
        ["check", nb, "--dataset", "notes.txt"], ["check", nb, "--dataset", "my_exercises"],
        ["check", nb, "--timeout", "0"],
        ["generate", "--out", "my_exercises"], ["generate", "--out", "my_exercises", "--force"],
        ["generate", "--out", "notes.txt"], ["generate", "--out", "my_world"],
        ["generate", "--out", "my_world", "--force"], ["generate", "--out", "seeded/data"],
        ["generate", "--out", "new", "--scale", "huge"], ["generate", "--out", "new", "--locale", "xx"],
        ["generate", "--out", "new", "--dirty", "2"], ["generate", "--out", "new", "--posts", "10"],
        ["exercises", "get", "my_exercises"], ["exercises", "get", "notes.txt"],
        ["exercises", "get", "new", "--scale", "tiny"],
        ["course", "autograde", "my_exercises"], ["course", "autograde", "no_such_course"],
        ["course", "build", "my_exercises"], ["course", "build", "new_course", "--roster", "no_roster.csv"],
        ["course", "build", "new_course", "--scale", "huge"],
        ["course", "export", "my_exercises", "--to", "canvas"], ["course", "export", "no_such_course", "--to", "moodle"],
        ["course", "grades", "my_exercises"],
    ]


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """A learner's home folder: notebooks they worked on, a world with a notebook inside, notes, an empty folder."""
    get_exercises(tmp_path / "my_exercises")
    work = tmp_path / "my_exercises" / "01_first_look.ipynb"
    work.write_text(work.read_text().replace('"n_posts = ...', '"n_posts = len(ds.posts)'))
    get_exercises(tmp_path / "seeded", seed=1, scale="tiny")
    sandbox.generate(seed=2, scale="tiny").save(tmp_path / "my_world")
    (tmp_path / "my_world" / "analysis.ipynb").write_text('{"cells": []}')
    (tmp_path / "notes.txt").write_text("my notes")
    (tmp_path / "empty").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def fingerprint(home: Path) -> dict[str, str]:
    """Someone's work: every file but a dataset's (which --force may replace, when asked to)."""
    return {str(p.relative_to(home)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(home.rglob("*")) if p.is_file() and p.suffix not in (".csv", ".parquet", ".json")}


def test_argument_and_path_errors_come_before_heavy_imports(home):
    probe = ("import json, sys\nfrom sandbox.cli import main\ncode = main(json.loads(sys.argv[1]))\n"
             f"print(json.dumps([code, [m for m in {HEAVY!r} if m in sys.modules]]))")
    slow = {}
    for argv in mistakes_in(home):
        run = subprocess.run([sys.executable, "-c", probe, json.dumps(argv)], cwd=home, capture_output=True, text=True)
        code, imported = json.loads(run.stdout.splitlines()[-1])
        assert code == 2, (argv, run.stderr)
        if imported:
            slow[" ".join(argv)] = imported
    assert not slow, f"refused only after heavy imports: {slow}"


def test_scale_and_locale_names_are_case_insensitive():
    spec = sandbox.plan_generate(scale="Small", locale="FR_fr")
    assert (spec.scale.name, spec.locale) == ("small", "fr_FR")
    assert sandbox.plan_generate(scale="TINY", locale="es-es").locale == "es_ES"
    assert sandbox.generate(seed=1, scale="Tiny", locale="fr_fr").meta["locale"] == "fr_FR"


def suggestions(argv: list[str], err: str) -> list[list[str]]:
    """The commands a message suggests: in backquotes, or the same command again with --force."""
    found = [shlex.split(s)[1:] for s in SUGGESTION.findall(err)]
    if "--force" in err and "--force" not in argv and "add --force" in err:
        found.append([*argv, "--force"])
    return found


@pytest.mark.slow
def test_every_suggested_command_works_and_destroys_nothing(home, capsys):
    work = fingerprint(home)
    followed, queued, queue = [], set(), [(argv, None) for argv in mistakes_in(home)]
    while queue:
        argv, suggested_by = queue.pop(0)
        code = main(argv)
        err = capsys.readouterr().err
        if suggested_by is None:
            assert code == 2, f"{argv}: not refused"
            assert err.count("\n") == 1, f"{argv}: not one line: {err}"
        else:
            followed.append(" ".join(argv))
            assert code == 0, f"`sandbox {' '.join(suggested_by)}` suggested `sandbox {' '.join(argv)}`, which failed: {err}"
        now = fingerprint(home)
        changed = [name for name, digest in work.items() if now.get(name) != digest]
        assert not changed, f"`sandbox {' '.join(argv)}` changed or deleted {changed}"
        for suggestion in suggestions(argv, err):
            if " ".join(suggestion) not in queued:  # two mistakes may suggest the same command: it runs once
                queued.add(" ".join(suggestion))
                queue.append((suggestion, argv))
    print("followed:", followed)
    assert followed, "no message suggested anything: the chain test tests nothing"
