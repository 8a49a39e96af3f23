"""What a validation run finds: :class:`Violation` records gathered in a :class:`Report`."""

from __future__ import annotations

from dataclasses import dataclass, field

#: How many example ids (or lines) a violation shows.
N_EXAMPLES = 5


@dataclass(frozen=True)
class Violation:
    """One broken rule: where, what, how many rows and a few example ids."""

    table: str
    columns: tuple[str, ...]
    rule: str
    message: str
    n_rows: int
    examples: tuple[str, ...] = ()

    def __str__(self) -> str:
        cols = ", ".join(self.columns) or "-"
        eg = f" (e.g. {', '.join(self.examples)})" if self.examples else ""
        return f"{self.table} [{cols}] {self.rule}: {self.message}; {self.n_rows:,} rows{eg}"


@dataclass
class Report:
    """The result of a validation run."""

    violations: list[Violation] = field(default_factory=list)
    n_checks: int = 0

    @property
    def ok(self) -> bool:
        return not self.violations

    def format(self) -> str:
        """Human-readable text: an OK line, or the violations grouped by table and column."""
        if self.ok:
            return f"OK: {self.n_checks} checks passed"
        rows = sorted(self.violations, key=lambda v: (v.table, v.columns, v.rule))
        header = ("table", "columns", "rule", "rows", "examples")
        body = [
            (v.table, ", ".join(v.columns) or "-", v.rule, f"{v.n_rows:,}", ", ".join(v.examples))
            for v in rows
        ]
        widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
        lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip() for r in [header, *body]]
        lines.insert(1, "  ".join("-" * w for w in widths))
        details = [f"- {v.table} [{', '.join(v.columns) or '-'}] {v.rule}: {v.message}" for v in rows]
        summary = f"{len(self.violations)} of {self.n_checks} checks failed"
        return "\n".join([summary, "", *lines, "", *details])
