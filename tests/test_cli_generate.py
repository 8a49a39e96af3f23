"""`sandbox generate` through the CLI entry point: output, refusals, atomic writes."""

from __future__ import annotations

from pathlib import Path

import pytest

import sandbox
from sandbox import dataset
from sandbox.cli import build_parser, main


def test_generate_writes_a_loadable_dataset(tmp_path, capsys):
    out = tmp_path / "world"
    assert main(["generate", "--seed", "4", "--scale", "tiny", "--out", str(out)]) == 0
    assert "wrote tiny world (seed 4)" in capsys.readouterr().out
    ds = sandbox.load_dataset(out)
    assert ds.meta["seed"] == 4 and (out / "truth.json").is_file() and (out / "truth" / "post_labels.csv").is_file()


def test_no_truth_leaves_the_answers_out(tmp_path):
    out = tmp_path / "student"
    assert main(["generate", "--scale", "tiny", "--out", str(out), "--no-truth", "--format", "parquet"]) == 0
    assert not (out / "truth.json").exists() and not (out / "truth").exists()
    assert (out / "posts.parquet").is_file()


@pytest.mark.parametrize("args, message", [
    (["--scale", "huge"], "unknown scale 'huge'; allowed: tiny, small, medium, large"),
    (["--seed", "-1"], "seed must be a whole number >= 0, got -1"),
    (["--locale", "xx_XX"], "unknown locale 'xx_XX'; allowed: en_US, es_ES, fr_FR"),
    (["--format", "xlsx"], "unknown format 'xlsx'; allowed: csv, parquet"),
    (["--dirty", "2"], "dirty rate must be a number between 0 and 0.5"),
    (["--jobs", "0"], "jobs must be a whole number >= 1, got 0"),
])
def test_bad_arguments_exit_2_with_the_allowed_values_and_write_nothing(tmp_path, capsys, args, message):
    out = tmp_path / "never"
    assert main(["generate", "--scale", "tiny", "--out", str(out), *args]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_force_replaces_a_dataset_and_nothing_else(tmp_path, capsys):
    out = tmp_path / "world"
    assert main(["generate", "--scale", "tiny", "--out", str(out)]) == 0
    assert main(["generate", "--scale", "tiny", "--seed", "2", "--out", str(out)]) == 2
    assert "already holds a dataset" in capsys.readouterr().err  # and says --force replaces it
    assert main(["generate", "--scale", "tiny", "--seed", "2", "--out", str(out), "--force"]) == 0
    assert sandbox.load_dataset(out).meta["seed"] == 2


@pytest.mark.parametrize("force", [[], ["--force"]], ids=["without --force", "with --force"])
def test_a_folder_holding_other_files_is_never_replaced(tmp_path, capsys, force):
    out = sandbox.generate(seed=1, scale="tiny").save(tmp_path / "world")
    (out / "notes.txt").write_text("mine")
    (out / "analysis.ipynb").write_text("{}")
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert main(["generate", "--scale", "tiny", "--out", str(out), *force]) == 2
    err = capsys.readouterr().err
    assert "analysis.ipynb, notes.txt" in err and "add --force" not in err
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_unwritable_output_is_refused(tmp_path, capsys):
    target = "/proc/sandbox-world"  # nobody, root included, can create files in /proc
    if not Path("/proc").is_dir():
        pytest.skip("needs Linux /proc")
    assert main(["generate", "--scale", "tiny", "--out", target]) == 2
    assert "cannot be written" in capsys.readouterr().err


def test_output_below_a_file_is_refused(tmp_path, capsys):
    (tmp_path / "file.txt").write_text("x")
    assert main(["generate", "--scale", "tiny", "--out", str(tmp_path / "file.txt" / "w")]) == 2
    assert "is a file" in capsys.readouterr().err


def test_output_that_is_a_file_is_refused(tmp_path, capsys):
    target = tmp_path / "file.txt"
    target.write_text("x")
    assert main(["generate", "--scale", "tiny", "--out", str(target)]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err


def test_a_failed_run_leaves_no_half_written_dataset(tmp_path, monkeypatch):
    calls = []

    def failing_write(df, path, format):
        calls.append(path)
        if len(calls) == 3:
            raise OSError("disk full")
        original(df, path, format)

    original = dataset.write_table
    monkeypatch.setattr(dataset, "write_table", failing_write)
    out = tmp_path / "world"
    with pytest.raises(OSError, match="disk full"):
        sandbox.generate(seed=1, scale="tiny").save(out)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [], "the temporary folder is cleaned up"


def test_a_failed_forced_run_keeps_the_old_dataset(tmp_path, monkeypatch):
    out = sandbox.generate(seed=1, scale="tiny").save(tmp_path / "world")
    before = (out / "posts.csv").read_bytes()
    monkeypatch.setattr(dataset, "write_table", lambda *a: (_ for _ in ()).throw(OSError("disk full")))
    with pytest.raises(OSError):
        sandbox.generate(seed=2, scale="tiny").save(out, force=True)
    assert (out / "posts.csv").read_bytes() == before


def test_every_command_has_help_with_an_example():
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices
    assert {"generate", "validate", "describe"} <= set(commands)

    def walk(name, p):
        sub = [a for a in p._actions if a.__class__.__name__ == "_SubParsersAction"]
        if sub:
            for child, cp in sub[0].choices.items():
                yield from walk(f"{name} {child}", cp)
        else:
            yield name, p

    for name, p in (x for n, c in commands.items() for x in walk(n, c)):
        text = p.format_help()
        assert "example:" in text and "sandbox " in text.split("example:")[1], name
        assert p.description, name


def test_python_dash_m_works():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "sandbox", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and sandbox.__version__ in out.stdout


def test_progress_is_shown_while_generating_and_writing(tmp_path, capsys):
    ds = sandbox.generate(seed=1, scale="tiny", progress=True)
    ds.save(tmp_path / "w", progress=True)
    err = capsys.readouterr().err
    assert "generating" in err and "writing" in err
