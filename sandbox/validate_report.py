"""What a validation run finds: :class:`Violation` records gathered in a :class:`Report`.

A violation of the data contract counts rows; the damage of a dirty world's export files counts what it
affects (cells, lines, files, pairs of rows), each kind once per table, with two examples.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: How many example ids a violation shows.
N_EXAMPLES = 5
#: How many example lines a kind of export damage shows.
N_EXPORT_EXAMPLES = 2
#: How many damaged columns a report line names before it counts the rest.
N_COLUMNS_SHOWN = 3


@dataclass(frozen=True)
class Violation:
    """One broken rule: where, what, how many rows and a few example ids."""

    table: str
    columns: tuple[str, ...]
    rule: str
    message: str
    n_rows: int
    examples: tuple[str, ...] = ()
    unit: str = "rows"  # what n_rows counts: rows for the data contract; cells, lines, files, pairs for exports

    def __str__(self) -> str:
        cols = ", ".join(self.columns) or "-"
        eg = f" (e.g. {', '.join(self.examples)})" if self.examples else ""
        return f"{self.table} [{cols}] {self.rule}: {self.message}; {self.n_rows:,} {self.unit}{eg}"

    @property
    def in_exports(self) -> bool:
        """Damage found in a dirty world's export files (not a broken rule of the data contract)."""
        return self.unit != "rows"


@dataclass
class Report:
    """The result of a validation run."""

    violations: list[Violation] = field(default_factory=list)
    n_checks: int = 0

    @property
    def ok(self) -> bool:
        return not self.violations

    def format(self) -> str:
        """Human-readable text: an OK line, or the violations grouped by table and column, then the damage of
        a dirty world's export files, one line per kind and table, with what each kind is said once."""
        if self.ok:
            return f"OK: {self.n_checks} checks passed"
        summary = f"{len(self.violations)} of {self.n_checks} checks failed"
        contract = sorted((v for v in self.violations if not v.in_exports), key=lambda v: (v.table, v.columns, v.rule))
        exports = sorted((v for v in self.violations if v.in_exports), key=lambda v: (v.table, v.rule))
        out = [summary]
        if contract:
            body = [(v.table, ", ".join(v.columns) or "-", v.rule, f"{v.n_rows:,}", ", ".join(v.examples))
                    for v in contract]
            out += ["", *_columns(("table", "columns", "rule", "rows", "examples"), body), ""]
            out += [f"- {v.table} [{', '.join(v.columns) or '-'}] {v.rule}: {v.message}" for v in contract]
        if exports:
            body = [(v.table, v.rule, f"{v.n_rows:,} {v.unit}", ", ".join(v.examples), _shorten(v.columns))
                    for v in exports]
            meaning = {}
            for v in exports:
                meaning.setdefault(v.rule, v.message)
            out += ["", f"The export files, kind by kind ({len(exports)} kinds over "
                        f"{len({v.table for v in exports})} tables):", ""]
            out += [*_columns(("table", "kind", "count", "examples", "columns"), body), "", "What each kind is:"]
            out += [f"- {rule}: {text}" for rule, text in sorted(meaning.items())]
        return "\n".join(out)


def _columns(header: tuple, body: list) -> list[str]:
    """A text table: the header, a rule line, the rows, each column as wide as its widest cell."""
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip() for r in [header, *body]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


def _shorten(columns: tuple) -> str:
    if not columns:
        return "-"
    shown = ", ".join(columns[:N_COLUMNS_SHOWN])
    return shown + (f" +{len(columns) - N_COLUMNS_SHOWN}" if len(columns) > N_COLUMNS_SHOWN else "")
