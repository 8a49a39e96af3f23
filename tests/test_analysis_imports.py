"""One home per idea (issue 25): notebook modules share analysis through ``sandbox.analysis`` only.

A notebook module (``sandbox/exercises/exNN_*.py``) imports the analysis library and the question engine
(``sandbox/exercises/_*.py``), never another notebook module nor ``sandbox.reference``, so editing one
notebook never changes another's grading. The library imports neither the exercises nor the reference
analysis, so there is no import circle. Imports inside functions count too.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "sandbox"
NOTEBOOK_MODULES = sorted((PACKAGE / "exercises").glob("ex[0-9][0-9]_*.py"))
LIBRARY_MODULES = sorted((PACKAGE / "analysis").glob("*.py"))


def imported_modules(source: str, package: str) -> set[str]:
    """Every module that ``source`` (a module of ``package``) imports, anywhere in its code, as absolute
    names; ``from . import x`` gives ``package.x`` (a module or a name: both are listed)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            parts = package.split(".")
            anchor = parts[:len(parts) - node.level + 1] if node.level else []
            base = ".".join(anchor + ([node.module] if node.module else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def imports_of(path: Path) -> set[str]:
    package = ".".join(path.relative_to(PACKAGE.parent).parent.parts)
    return imported_modules(path.read_text(encoding="utf-8"), package)


def test_the_scan_sees_relative_and_nested_imports():
    source = ("from . import ex03_when_to_post as ex03\nfrom ..analysis import rated\n"
              "def f():\n    from ..reference import crisis\n    import sandbox.exercises.ex07_growth_and_crisis\n")
    names = imported_modules(source, "sandbox.exercises")
    assert {"sandbox.exercises.ex03_when_to_post", "sandbox.analysis", "sandbox.reference",
            "sandbox.exercises.ex07_growth_and_crisis"} <= names


@pytest.mark.parametrize("path", NOTEBOOK_MODULES, ids=lambda p: p.stem)
def test_a_notebook_module_imports_no_other_notebook_module(path):
    own = f"sandbox.exercises.{path.stem}"
    forbidden = sorted(m for m in imports_of(path)
                       if (m.startswith("sandbox.exercises.ex") and not m.startswith(own))
                       or m == "sandbox.reference" or m.startswith("sandbox.reference."))
    assert not forbidden, f"{path.name} imports {forbidden}: move what it shares into sandbox/analysis/"


@pytest.mark.parametrize("path", LIBRARY_MODULES, ids=lambda p: p.stem)
def test_the_library_imports_neither_exercises_nor_reference(path):
    forbidden = sorted(m for m in imports_of(path)
                       if m.startswith(("sandbox.exercises", "sandbox.reference", "sandbox.course")))
    assert not forbidden, f"sandbox/analysis/{path.name} imports {forbidden} (an import circle in the making)"

