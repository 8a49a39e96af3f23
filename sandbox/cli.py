"""The `sandbox` command: a thin layer over the library.

Each subcommand parses its arguments, calls one library function and turns
library errors (ValueError and friends) into a one-line message and exit code 2.
Feature modules add their own subcommands through a ``register(subparsers)``
function listed in ``COMMAND_MODULES``.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import re
import sys

from . import __version__
from ._environment import tools_on_path

#: Modules that contribute subcommands; each has register(subparsers).
COMMAND_MODULES = [
    "sandbox._cli_data",
    "sandbox._cli_inspect",
    "sandbox._cli_course",
    "sandbox._cli_exercises",
]


class CliError(Exception):
    """An error to print as one line and exit with ``code``."""

    def __init__(self, message: str, code: int = 2):
        super().__init__(message)
        self.code = code


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps examples' line breaks; ends an option's help with its default, once.

    Options without a default (None) or flags say in words what happens without them.
    An option added by :func:`add_library_option` shows the library function's default, and
    ``{module:NAME}`` in a help text shows a library constant, or what a function of no arguments returns
    (a collection as "a, b, c"):
    the library is imported only when that help is shown.
    """

    def _get_help_string(self, action):
        help = LIBRARY_REFERENCE.sub(_library_constant, action.help or "")
        if "%(default)" in help or "(default:" in help or not action.option_strings:
            return help
        if hasattr(action, "library_default"):
            return f"{help} (default: {default_of(*action.library_default)})"
        if action.default in (None, False, argparse.SUPPRESS):
            return help
        return help + " (default: %(default)s)"


#: ``{sandbox.module:NAME}`` in a help text.
LIBRARY_REFERENCE = re.compile(r"\{(sandbox[\w.]*):(\w+)\}")


def _library_constant(match: re.Match) -> str:
    value = getattr(importlib.import_module(match.group(1)), match.group(2))
    if callable(value):  # a function of no arguments that lists the values (e.g. the locales installed)
        value = value()
    return ", ".join(map(str, value)) if isinstance(value, (dict, list, tuple, set, frozenset)) else str(value)


def default_of(target: str, param: str):
    """The default of parameter ``param`` of the function ``target`` ("package.module:function"), or the
    value of the constant ``target`` ("package.module:NAME", for a default a light module states)."""
    module, _, name = target.partition(":")
    found = getattr(importlib.import_module(module), name)
    return inspect.signature(found).parameters[param].default if callable(found) else found


def add_library_option(parser, *flags, target: str, param: str | None = None, fill: bool = True, **kwargs):
    """Add an option whose default is the library's: parameter ``param`` of function ``target``.

    The CLI never repeats a library default. The option parses to None when not given;
    :class:`Parser` then fills in the function's default (unless ``fill`` is False, for an
    option whose absence the command itself interprets), and ``--help`` shows that default.
    The library module is imported only for the help or the command that needs it.
    """
    action = parser.add_argument(*flags, default=None, **kwargs)
    action.library_default = (target, param or action.dest)
    if fill:
        filled = parser.get_default("library_defaults") or ()
        parser.set_defaults(library_defaults=(*filled, (action.dest, target, param or action.dest)))
    return action


def fill_library_defaults(args) -> None:
    """Replace the options left None by the library defaults they stand for (see add_library_option)."""
    for dest, target, param in getattr(args, "library_defaults", None) or ():
        if getattr(args, dest) is None:
            setattr(args, dest, default_of(target, param))


class Parser(argparse.ArgumentParser):
    """An ArgumentParser that fills the options left None with the library defaults they stand for."""

    def parse_known_args(self, args=None, namespace=None):
        namespace, extras = super().parse_known_args(args, namespace)
        fill_library_defaults(namespace)
        return namespace, extras


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="sandbox",
        description="Social analytics practice sandbox: generate synthetic social-media worlds, "
        "practise with graded notebooks, run nbgrader courses.",
        epilog="example:\n  sandbox generate --seed 123 --out my_world",
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMAND_MODULES:
        importlib.import_module(module).register(subparsers)
    return parser


def add_command(subparsers, name: str, help: str, example: str, func):
    """Add a subcommand whose help ends with an example; returns its parser."""
    p = subparsers.add_parser(
        name, help=help, description=help, epilog=f"example:\n  {example}", formatter_class=HelpFormatter
    )
    p.set_defaults(func=func, prog=p.prog)
    return p


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        with tools_on_path():  # nbgrader's Python API, too, starts `alembic` by PATH
            result = args.func(args)
    except CliError as e:
        print(f"{args.prog}: error: {e}", file=sys.stderr)
        return e.code
    except (ValueError, FileNotFoundError, NotADirectoryError, PermissionError) as e:
        print(f"{args.prog}: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{args.prog}: interrupted", file=sys.stderr)
        return 130
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
