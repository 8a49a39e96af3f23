"""`sandbox generate`: make a world and write it to a folder."""

from __future__ import annotations

import json
import sys
import time

from .cli import CliError, add_command, add_library_option, default_of

# The library (pandas, scipy, Faker) is imported by the command that runs, not to build the parser;
# help texts name the library's constants as {module:NAME}, filled in when --help is shown.

DEFAULT_OUT = "world"
GENERATE = "sandbox.generator:generate"
#: Largest scale written in one piece (and as CSV); bigger worlds are streamed as partitioned Parquet.
MAX_IN_MEMORY = "medium"
MAX_POSTS = 1_000_000_000


def register(subparsers) -> None:
    p = add_command(
        subparsers, "generate", "Generate a synthetic social-media world (tables + planted truth).",
        "sandbox generate --seed 123 --scale small --out my_world", run_generate,
    )
    add_library_option(p, "--seed", target=GENERATE, type=int, help="any non-negative integer; same seed, same world")
    add_library_option(p, "--scale", target=GENERATE, fill=False, help="world size: {sandbox._scales:SCALES}")
    p.add_argument("--posts", type=int, default=None,
                   help="custom size: about this many posts (at least 100; instead of --scale), e.g. 10000000")
    add_library_option(p, "--jobs", target="sandbox.partitioned:write_world", type=int,
                       help="worker processes for partitioned Parquet output (large worlds)")
    p.add_argument("--out", default=DEFAULT_OUT, help="output folder (must be new or empty, unless --force)")
    p.add_argument("--format", help="file format: {sandbox.dataset:FORMATS}; without it, csv up to medium size, "
                   "partitioned parquet above")
    add_library_option(p, "--dirty", target=GENERATE, type=float,
                       help="share of posts rows to damage for cleaning practice, 0 to {sandbox.generator.dirty:MAX_RATE}")
    add_library_option(p, "--locale", target=GENERATE, help="language of names and texts: {sandbox.generator.pools:LOCALES}")
    p.add_argument("--force", action="store_true", help="replace a non-empty output folder")
    p.add_argument("--no-truth", action="store_true", help="leave out truth.json and truth/ (answers)")
    p.add_argument("--quiet", action="store_true", help="no progress display")


def check_generate_args(args) -> None:
    """Refuse bad arguments before any work is done."""
    from ._scales import SCALES
    from .dataset import DatasetError, check_format, prepare_target
    from .generator.dirty import check_dirty
    from .generator.pools import check_locale

    if args.seed < 0:
        raise CliError(f"--seed must be a non-negative integer, got {args.seed}")
    if args.scale is not None and args.scale not in SCALES:
        raise CliError(f"unknown --scale {args.scale!r}; allowed: {', '.join(SCALES)}")
    check_size_args(args)
    try:
        check_format(args.format)
        check_locale(args.locale)
        check_dirty(args.dirty)
        prepare_target(args.out, args.force)
    except (ValueError, DatasetError) as e:
        raise CliError(str(e).replace("unknown format", "unknown --format").replace("unknown locale", "unknown --locale")
                       .replace("dirty rate", "--dirty")) from None


def check_size_args(args) -> None:
    """Check --posts/--jobs, then settle ``args.scale`` (a Scale), ``args.format`` and ``args.partitioned``."""
    from ._scales import SCALES, get_scale, scale_for_posts

    max_in_memory = SCALES[MAX_IN_MEMORY]
    if args.jobs < 1:
        raise CliError(f"--jobs must be an integer >= 1, got {args.jobs}")
    if args.posts is not None:
        if args.scale is not None:
            raise CliError("--posts sets a custom size; use it instead of --scale, not with it")
        if not 100 <= args.posts <= MAX_POSTS:
            raise CliError(f"--posts must be between 100 and {MAX_POSTS:,}, got {args.posts:,}")
        scale = scale_for_posts(args.posts)
    else:
        scale = get_scale(args.scale or default_of(GENERATE, "scale"))
    big = scale.n_brands > max_in_memory.n_brands
    parallel = args.jobs > 1
    if args.format is None:
        args.format = "parquet" if big or parallel else "csv"
    if args.format == "csv" and big:
        raise CliError(f"--format csv is limited to worlds up to the {max_in_memory.name} scale "
                       f"({max_in_memory.n_brands} brands; this one has {scale.n_brands}); "
                       "use --format parquet for larger worlds")
    if args.format == "csv" and parallel:
        raise CliError("--jobs applies to partitioned Parquet output; add --format parquet or drop --jobs")
    args.partitioned = args.format == "parquet" and (big or parallel or args.posts is not None)
    if args.partitioned and args.dirty:
        raise CliError("--dirty cannot be combined with partitioned Parquet output (--jobs above 1, --posts with "
                       "--format parquet, or worlds above the medium scale); partitioned worlds are clean")
    args.scale = scale


def run_generate(args) -> int:
    from ._schema import TABLES
    from .dataset import META_FILE
    from .generator import generate
    from .partitioned import write_world

    check_generate_args(args)
    started = time.perf_counter()
    progress = not args.quiet and sys.stderr.isatty()
    scale = args.scale
    if args.partitioned:
        path = write_world(args.out, seed=args.seed, scale=scale, locale=args.locale, jobs=args.jobs,
                           force=args.force, include_truth=not args.no_truth, progress=progress)
        rows = sum(json.loads((path / META_FILE).read_text())["rows"].values())
        how = f"partitioned parquet, {args.jobs} job{'s' * (args.jobs > 1)}"
    else:
        ds = generate(seed=args.seed, scale=scale, locale=args.locale, dirty=args.dirty, progress=progress)
        path = ds.save(args.out, format=args.format, force=args.force, include_truth=not args.no_truth,
                       progress=progress)
        rows = sum(len(df) for df in ds.tables.values())
        how = args.format
    print(f"wrote {scale.name} world (seed {args.seed}) to {path}: {rows:,} rows in "
          f"{len(TABLES)} tables ({how}), {time.perf_counter() - started:.1f} s")
    return 0
