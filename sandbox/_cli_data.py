"""`sandbox generate`: make a world and write it to a folder."""

from __future__ import annotations

import sys
import time

from ._scales import SCALES
from .cli import CliError, add_command
from .dataset import FORMATS, DatasetError, check_format, prepare_target
from .generator.dirty import MAX_RATE, check_dirty
from .generator.pools import LOCALES, check_locale

DEFAULT_OUT = "world"


def register(subparsers) -> None:
    p = add_command(
        subparsers, "generate", "Generate a synthetic social-media world (tables + planted truth).",
        "sandbox generate --seed 123 --scale small --out my_world", run_generate,
    )
    p.add_argument("--seed", type=int, default=0, help="any non-negative integer; same seed, same world")
    p.add_argument("--scale", default="small", help=f"world size: {', '.join(SCALES)}")
    p.add_argument("--out", default=DEFAULT_OUT, help="output folder (must be new or empty, unless --force)")
    p.add_argument("--format", default="csv", help=f"file format: {', '.join(FORMATS)}")
    p.add_argument("--dirty", type=float, default=0.0,
                   help=f"share of posts rows to damage for cleaning practice, 0 to {MAX_RATE}")
    p.add_argument("--locale", default="en_US", help=f"language of names and texts: {', '.join(LOCALES)}")
    p.add_argument("--force", action="store_true", help="replace a non-empty output folder")
    p.add_argument("--no-truth", action="store_true", help="leave out truth.json and truth/ (answers)")
    p.add_argument("--quiet", action="store_true", help="no progress display")


def check_generate_args(args) -> None:
    """Refuse bad arguments before any work is done."""
    if args.seed < 0:
        raise CliError(f"--seed must be a non-negative integer, got {args.seed}")
    if args.scale not in SCALES:
        raise CliError(f"unknown --scale {args.scale!r}; allowed: {', '.join(SCALES)}")
    try:
        check_format(args.format)
        check_locale(args.locale)
        check_dirty(args.dirty)
        prepare_target(args.out, args.force)
    except (ValueError, DatasetError) as e:
        raise CliError(str(e).replace("unknown format", "unknown --format").replace("unknown locale", "unknown --locale")
                       .replace("dirty rate", "--dirty")) from None


def run_generate(args) -> int:
    from .generator import generate

    check_generate_args(args)
    started = time.perf_counter()
    progress = not args.quiet and sys.stderr.isatty()
    ds = generate(seed=args.seed, scale=args.scale, locale=args.locale, dirty=args.dirty, progress=progress)
    path = ds.save(args.out, format=args.format, force=args.force, include_truth=not args.no_truth)
    rows = sum(len(df) for df in ds.tables.values())
    print(f"wrote {args.scale} world (seed {args.seed}) to {path}: {rows:,} rows in "
          f"{len(ds.tables)} tables, {time.perf_counter() - started:.1f} s")
    return 0
