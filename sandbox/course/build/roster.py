"""The class roster: a CSV of students, validated before anything is written.

The file needs a ``student_id`` column; ``first_name``, ``last_name`` and
``email`` are optional. Column names are case-insensitive (``Student_ID``).
Rosters saved by Excel are read as they come: comma, semicolon (French and
other European Excel) or tab separated, in UTF-8 (with or without BOM) or
Windows-1252 (Excel's "CSV" in Western Europe). A student id becomes a folder name (``submitted/<id>/``),
so it must be a plain, safe name.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

REQUIRED_COLUMNS = ("student_id",)
OPTIONAL_COLUMNS = ("first_name", "last_name", "email")
#: Letters, digits, '_', '-' and '.', starting with a letter or digit: safe as a folder name.
SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
ID_RULE = "1-64 characters: letters, digits, '_', '-' or '.', starting with a letter or digit"


class RosterError(ValueError):
    """The roster cannot be used; the message names the row and the problem."""


@dataclass(frozen=True)
class Student:
    """One row of the roster."""

    student_id: str
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None

    def gradebook_fields(self) -> dict:
        """The optional fields nbgrader's gradebook stores for a student."""
        return {k: getattr(self, k) for k in OPTIONAL_COLUMNS if getattr(self, k)}


def check_student_id(student_id: str) -> str:
    """Return ``student_id`` if it is safe as a folder name, else raise RosterError."""
    if not isinstance(student_id, str) or not SAFE_ID.match(student_id) or ".." in student_id:
        raise RosterError(f"unsafe student id {student_id!r}; a student id must be {ID_RULE}")
    return student_id


#: Column separators a roster may use, as Excel writes them in different countries.
DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs"}


def decode(path: Path) -> str:
    """The text of ``path``: UTF-8 (BOM or not), else Windows-1252; RosterError naming both otherwise."""
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252") if b"\x00" not in raw else ():  # NUL bytes: UTF-16, binary
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RosterError(f"roster {path} is neither UTF-8 nor Windows-1252 (cp1252) text; "
                      "save it from Excel as \"CSV UTF-8 (comma delimited)\"")


def column_name(header: str | None) -> str:
    """A header as the roster's column name: trimmed, lower case, spaces as '_' (``Student ID`` -> student_id)."""
    return "_".join((header or "").strip().lower().split())


def find_delimiter(header: str) -> str:
    """The separator of the header line: the one that yields a student_id column, else the most frequent."""
    for delimiter in DELIMITER_NAMES:
        if any(column_name(c) in REQUIRED_COLUMNS for c in header.split(delimiter)):
            return delimiter
    return max(DELIMITER_NAMES, key=header.count)


def read_roster(path) -> list[Student]:
    """Read and validate a roster CSV; raise RosterError naming every problem found."""
    path = Path(path)
    if not path.is_file():
        raise RosterError(f"roster {path} does not exist or is not a file")
    text = decode(path)
    lines = text.splitlines()
    delimiter = find_delimiter(lines[0] if lines else "")
    reader = csv.DictReader(lines, delimiter=delimiter)
    reader.fieldnames = [column_name(c) for c in (reader.fieldnames or [])]
    columns = reader.fieldnames
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise RosterError(
            f"roster {path} has no {', '.join(missing)} column (found: {', '.join(columns) or 'nothing'}); "
            f"required: {', '.join(REQUIRED_COLUMNS)}, optional: {', '.join(OPTIONAL_COLUMNS)}; the first line "
            f"must name the columns, separated by {' or '.join(DELIMITER_NAMES.values())}"
        )
    problems, students, seen = [], [], {}
    for line, row in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k is not None}
        sid = row.get("student_id", "")
        try:
            check_student_id(sid)
        except RosterError as e:
            problems.append(f"line {line}: {e}")
            continue
        if sid in seen:
            problems.append(f"line {line}: duplicate student id {sid!r} (first on line {seen[sid]})")
            continue
        seen[sid] = line
        students.append(Student(sid, **{k: row.get(k) or None for k in OPTIONAL_COLUMNS}))
    if problems:
        raise RosterError(f"roster {path} is not valid:\n  " + "\n  ".join(problems))
    if not students:
        raise RosterError(f"roster {path} lists no students")
    return students
