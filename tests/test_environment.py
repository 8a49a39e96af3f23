"""Subprocesses find this environment's tools whatever PATH the user has (issue 8, section 1)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from sandbox._environment import scripts_dir, tool_env, tools_on_path


def test_scripts_come_first_on_the_path():
    assert (Path(scripts_dir()) / "alembic").is_file() and Path(sys.executable).parent == Path(scripts_dir())
    env = tool_env({"PATH": "/usr/bin:/bin", "OTHER": "x"})
    assert env == {"PATH": f"{scripts_dir()}:/usr/bin:/bin", "OTHER": "x"}
    assert tool_env({"PATH": f"/bin:{scripts_dir()}"})["PATH"] == f"{scripts_dir()}:/bin"  # listed once


def test_tools_on_path_restores_the_path(monkeypatch):
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    with tools_on_path():
        assert os.environ["PATH"] == f"{scripts_dir()}:/usr/bin:/bin"
    assert os.environ["PATH"] == "/usr/bin:/bin"
