"""Writing a report: self-contained HTML, CSV and terminal text.

Student ids, messages and anything else a report shows may come from a student: the HTML is
rendered by Jinja2 with autoescaping on (every value is escaped unless a filter here marks it
safe after escaping it), the page allows no script and no request (Content-Security-Policy), a
CSV cell that a spreadsheet would read as a formula is quoted, and terminal text loses its
control characters.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd

from ..exercises._view import markdown_html

TEMPLATES = Path(__file__).parent / "templates"
#: Characters that make a spreadsheet read a CSV cell as a formula (OWASP, "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def percent(share) -> str:
    """``0.456`` as ``46%``; a missing share as an en dash."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "–"
    return f"{100 * share:.0f}%"


def render_html(template: str, **context) -> str:
    """The page ``template`` (a file of ``templates/``) filled with ``context``, every value escaped."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined
    from markupsafe import Markup

    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["code"] = lambda text: Markup(markdown_html(str(text)))  # escapes first, then marks `code`
    env.filters["percent"] = percent
    return env.get_template(template).render(**context)


def page_path(out, default: Path) -> Path:
    """Where a report page goes: ``out``, else ``default``; ValueError for a folder or a missing folder."""
    path = Path(out) if out is not None else default
    if path.is_dir():
        raise ValueError(f"--out {path} is a folder; give the HTML file to write, e.g. {path / default.name}")
    if not path.parent.is_dir():
        raise ValueError(f"cannot write {path}: the folder {path.parent} does not exist")
    return path


def write_atomically(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` through a hidden sibling, so a reader never sees half a file."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path


#: Between the items of a list in a CSV cell.
CSV_LIST = "; "


def csv_cell(value):
    """A value as a CSV cell: a list's items joined by CSV_LIST, text a spreadsheet would run as a formula quoted."""
    if isinstance(value, (list, tuple)):
        value = CSV_LIST.join(map(str, value))
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def write_csv(path: Path, frame: pd.DataFrame) -> Path:
    """Write ``frame`` as CSV (see :func:`csv_cell`), atomically."""
    cells = frame.apply(lambda column: column.map(csv_cell)) if len(frame) else frame
    return write_atomically(path, cells.to_csv(index=False, lineterminator="\n"))


def terminal_text(text: str) -> str:
    """``text`` without control characters (escape sequences a student could have put into a message)."""
    return _CONTROL.sub("?", str(text))
