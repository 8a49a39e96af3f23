"""The `sandbox` command: a thin layer over the library.

Each subcommand parses its arguments, calls one library function and turns
library errors (ValueError and friends) into a one-line message and exit code 2.
Feature modules add their own subcommands through a ``register(subparsers)``
function listed in ``COMMAND_MODULES``.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from . import __version__

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


class HelpFormatter(argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter):
    pass


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
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
    p.set_defaults(func=func)
    return p


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        result = args.func(args)
    except CliError as e:
        print(f"sandbox {args.command}: error: {e}", file=sys.stderr)
        return e.code
    except (ValueError, FileNotFoundError, NotADirectoryError, PermissionError) as e:
        print(f"sandbox {args.command}: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"sandbox {args.command}: interrupted", file=sys.stderr)
        return 130
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
