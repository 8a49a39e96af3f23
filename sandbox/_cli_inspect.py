"""CLI commands that inspect a dataset folder: `sandbox validate` and `sandbox describe`."""

from __future__ import annotations

from .cli import CliError, add_command


def register(subparsers) -> None:
    p = add_command(
        subparsers, "validate",
        "Check every invariant of the data model on a dataset folder (CSV or Parquet). "
        "Prints 'OK: N checks passed', or the violations by table, columns and row count and exits 1; "
        "exits 2 when DIR is not a dataset folder.",
        "sandbox validate my_world", cmd_validate)
    p.add_argument("dir", metavar="DIR", help="dataset folder (holds dataset.json)")

    d = add_command(
        subparsers, "describe",
        "Summarise a dataset folder (tables, rows, date range, accounts and medians per platform) "
        "followed by the data dictionary; with --dictionary, print (or --write) only the dictionary.",
        "sandbox describe my_world", cmd_describe)
    d.add_argument("dir", metavar="DIR", nargs="?", help="dataset folder (holds dataset.json); not needed with --dictionary")
    d.add_argument("--dictionary", action="store_true", help="print only the data dictionary (Markdown)")
    d.add_argument("--write", metavar="FILE", help="with --dictionary: write it to FILE (e.g. datasets/README.md)")
    d.add_argument("--no-dictionary", dest="no_dictionary", action="store_true",
                   help="print the summary without the data dictionary")
    d.add_argument("--calibration", action="store_true",
                   help="print the calibration report instead: every calibrated figure measured in DIR, its "
                        "published range and source, and whether it is in or out "
                        "(e.g. sandbox describe my_world --calibration)")


def cmd_validate(args) -> int:
    from ._dataset_files import require_dataset_dir

    require_dataset_dir(args.dir)  # a wrong path is refused before pandas loads
    from .validate import validate_dir

    report = validate_dir(args.dir)  # DatasetError (a ValueError) -> exit 2
    print(report.format())
    return 0 if report.ok else 1


def cmd_describe(args) -> int:
    if args.write and not args.dictionary:
        raise CliError("--write goes with --dictionary (it writes the data dictionary)")
    if args.dictionary:
        if args.no_dictionary:
            raise CliError("--dictionary and --no-dictionary exclude each other")
        from .datadict import render_markdown, write_markdown

        if args.write:
            print(f"wrote {write_markdown(args.write)}")
        else:
            print(render_markdown(), end="")
        return 0
    if args.dir is None:
        raise CliError("DIR is required (the dataset folder to describe), unless --dictionary is given")
    from ._dataset_files import require_dataset_dir

    require_dataset_dir(args.dir)  # a wrong path is refused before pandas loads
    from .loading import load_dataset

    if args.calibration:
        from .calibration_report import calibration_report, format_report

        ds = load_dataset(args.dir)
        if ds.meta.get("dirty"):
            raise CliError("a dirty export holds raw text: describe its clean twin with --calibration")
        print(format_report(calibration_report(ds)), end="")
        return 0

    from .describe import describe

    print(describe(load_dataset(args.dir), dictionary=not args.no_dictionary), end="")
    return 0
