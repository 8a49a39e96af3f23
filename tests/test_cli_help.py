"""Every command documents itself (sqlite-utils style), and the CLI never repeats a library default."""

from __future__ import annotations

import argparse
import functools
import inspect
import re

import pytest

from sandbox.cli import HelpFormatter, build_parser, default_of, main


def commands(parser=None, path=()):
    """(path, parser) of every command and subcommand, e.g. (("course", "build"), <parser>)."""
    parser = parser or build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield (*path, name), sub
                yield from commands(sub, (*path, name))


COMMANDS = dict(commands())


def test_the_command_list_is_complete():
    assert {" ".join(p) for p in COMMANDS} >= {"generate", "validate", "describe", "check", "course",
                                                "course build", "course autograde", "exercises",
                                                "exercises get", "exercises release"}


@pytest.mark.parametrize("path", sorted(COMMANDS), ids=" ".join)
def test_every_command_has_help_with_an_example(path, capsys):
    parser = COMMANDS[path]
    assert parser.description and len(parser.description) > 20
    example = re.search(r"example:\n  (sandbox .+)", parser.epilog or "")
    assert example, f"{' '.join(path)}: no example in its help"
    assert example.group(1).split()[1:1 + len(path)] == list(path)  # the example runs this very command
    for action in parser._actions:
        if action.option_strings or action.dest not in ("command", "course_command", "exercises_command"):
            assert action.help, f"{' '.join(path)} {action.option_strings or action.dest}: no help text"
    with pytest.raises(SystemExit) as stop:
        main([*path, "--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert "example:" in out
    assert not re.search(r"<\w+ [^>]* at 0x|\{sandbox", out), f"{' '.join(path)}: a Python object in its help: {out}"
    if path == ("generate",):
        assert "en_US, es_ES, fr_FR" in " ".join(out.split())  # the locales installed, listed


def option_help(parser, action) -> str:
    formatter = HelpFormatter(prog=parser.prog, width=10_000)
    formatter.add_argument(action)
    return formatter.format_help()


@pytest.mark.parametrize("path", sorted(COMMANDS), ids=" ".join)
def test_help_shows_each_default_once(path):
    parser = COMMANDS[path]
    for action in parser._actions:
        if not action.option_strings:
            continue
        text = option_help(parser, action)
        assert text.count("default") <= 1, text
        if hasattr(action, "library_default"):
            target, param = action.library_default
            # The CLI's own default is None: the value comes from the library function's signature.
            assert action.default is None
            assert f"(default: {default_of(target, param)})" in text
        elif action.default not in (None, False, argparse.SUPPRESS):
            assert "(default: " in text, text  # its value, or in words ("the number of cores")


def test_library_defaults_reach_the_library(monkeypatch, tmp_path):
    """An option not given arrives as the library function's own default."""
    import sandbox.course.build.course as build
    import sandbox.exercises.runner as runner

    seen = {}

    def spy(name, function):
        @functools.wraps(function)  # keeps the signature the CLI reads its defaults from
        def record(*args, **kwargs):
            seen[name] = kwargs
            raise ValueError("stop")
        return record

    monkeypatch.setattr("sandbox.course.build_course", spy("build", build.build_course))
    monkeypatch.setattr(runner, "check_notebook", spy("check", runner.check_notebook))
    assert main(["course", "build", "c"]) == 2
    (tmp_path / "x.ipynb").write_text("{}")
    assert main(["check", str(tmp_path / "x.ipynb")]) == 2
    signature = inspect.signature(build.build_course).parameters
    assert seen["build"]["scale"] == signature["scale"].default
    assert seen["build"]["cell_timeout"] == signature["cell_timeout"].default
    assert seen["check"]["timeout"] == inspect.signature(runner.check_notebook).parameters["timeout"].default


def test_cli_sources_repeat_no_library_default():
    """The literals the library owns do not appear as defaults in the CLI modules."""
    import sandbox._cli_course
    import sandbox._cli_data
    import sandbox._cli_exercises

    for module in (sandbox._cli_course, sandbox._cli_data, sandbox._cli_exercises):
        source = inspect.getsource(module)
        assert not re.search(r"""default=("small"|'small'|\d+\b|"en_US"|0\.0)""", source), module.__name__
        assert not re.search(r"""["']small["']""", source), module.__name__


def test_help_and_import_stay_cheap():
    """`sandbox --help` and `import sandbox` import none of the heavy libraries (issue 13: start-up time)."""
    import subprocess
    import sys

    heavy = ("pandas", "numpy", "scipy", "faker", "nbformat", "nbclient", "nbgrader", "tqdm")
    code = ("import sys, contextlib, io\n"
            "import sandbox\n"
            "from sandbox.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
            "    main(['--help'])\n"
            f"print(sorted(m for m in {heavy!r} if m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]", run.stdout


#: Paths that exist only in a checkout of the project, not for someone who installed it.
CHECKOUT_PATHS = ("datasets/", "exercises/", "solutions/")


@pytest.mark.parametrize("path", sorted(p for p in COMMANDS if p != ("exercises", "release")), ids=" ".join)
def test_examples_use_paths_a_user_has(path):
    """A user's files are the folders the README's quick starts make (my_world, my_exercises), never the checkout's.
    ``exercises release`` is for maintainers, in a checkout."""
    example = re.search(r"example:\n  (sandbox .+)", COMMANDS[path].epilog or "").group(1)
    assert not any(word.startswith(CHECKOUT_PATHS) for word in example.split()), example
