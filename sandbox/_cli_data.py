"""`sandbox generate`: make a world and write it to a folder (:func:`sandbox.generate_to`)."""

from __future__ import annotations

import json
import sys
import time

from .cli import CliError, add_command, add_library_option

# The library (pandas, scipy, Faker) is imported by the command that runs, not to build the parser;
# help texts name the library's constants as {module:NAME}, filled in when --help is shown.

DEFAULT_OUT = "world"
GENERATE = "sandbox.generator:generate"
GENERATE_TO = "sandbox.worlds:generate_to"


def register(subparsers) -> None:
    p = add_command(
        subparsers, "generate", "Generate a synthetic social-media world (tables + planted truth).",
        "sandbox generate --seed 123 --scale small --out my_world", run_generate,
    )
    add_library_option(p, "--seed", target=GENERATE_TO, type=int, help="any non-negative integer; same seed, same world")
    add_library_option(p, "--scale", target=GENERATE, fill=False, help="world size: {sandbox._scales:SCALES} (any case)")
    p.add_argument("--posts", type=int, default=None,
                   help="custom size: about this many posts (at least 100; instead of --scale), e.g. 10000000")
    add_library_option(p, "--jobs", target=GENERATE_TO, type=int,
                       help="worker processes for partitioned Parquet output (large worlds)")
    p.add_argument("--out", default=DEFAULT_OUT, help="output folder: new or empty (or holding only a dataset, with --force)")
    p.add_argument("--format", help="file format: {sandbox.dataset:FORMATS}; without it, csv up to medium size, "
                   "partitioned parquet above")
    add_library_option(p, "--dirty", target=GENERATE_TO, type=float,
                       help="share of posts rows to damage for cleaning practice, 0 to {sandbox.worlds:MAX_DIRTY}")
    add_library_option(p, "--locale", target=GENERATE_TO,
                       help="language of names and texts: {sandbox._locales:available_locales} (any case)")
    p.add_argument("--force", action="store_true",
                   help="replace an output folder that holds a dataset and nothing else (never other files)")
    p.add_argument("--no-truth", action="store_true", help="leave out truth.json and truth/ (answers)")
    p.add_argument("--quiet", action="store_true", help="no progress display")


def run_generate(args) -> int:
    from ._dataset_files import META_FILE, OutputHoldsDataset
    from .worlds import generate_to, plan_generate

    started = time.perf_counter()
    options = dict(seed=args.seed, scale=args.scale, posts=args.posts, format=args.format, jobs=args.jobs,
                   dirty=args.dirty, locale=args.locale)
    try:
        path = generate_to(args.out, **options, force=args.force, include_truth=not args.no_truth,
                           progress=not args.quiet and sys.stderr.isatty())
    except OutputHoldsDataset as e:
        raise CliError(f"{e}, or add --force to replace it") from None
    spec = plan_generate(**options)
    rows = json.loads((path / META_FILE).read_text())["rows"]
    how = f"partitioned parquet, {spec.jobs} job{'s' * (spec.jobs > 1)}" if spec.partitioned else spec.format
    print(f"wrote {spec.scale.name} world (seed {spec.seed}) to {path}: {sum(rows.values()):,} rows in "
          f"{len(rows)} tables ({how}), {time.perf_counter() - started:.1f} s")
    return 0
