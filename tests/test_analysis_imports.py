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


def module_graph() -> dict[str, set[str]]:
    """Every ``sandbox`` module -> the ``sandbox`` modules it imports (inside functions too). ``from . import x``
    of a submodule ``x`` is an edge to ``x`` only; a package's name is an edge to its ``__init__``."""
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                parts = package.split(".")
                anchor = parts[:len(parts) - node.level + 1] if node.level else []
                base = ".".join(anchor + ([node.module] if node.module else []))
                subs = [f"{base}.{alias.name}" for alias in node.names]
                targets = [s for s in subs if s in modules] + ([base] if any(s not in modules for s in subs) else [])
            else:
                continue
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    found.add(target)
        graph[name] = found
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import circles of ``graph``: its strongly connected components of two or more modules."""
    order, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        order[v] = low[v] = len(order)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in order:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], order[w])
        if low[v] == order[v]:
            component = []
            while not component or component[-1] != v:
                component.append(stack.pop())
                on_stack.discard(component[-1])
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in order:
            visit(v)
    return found


def test_the_circle_finder_sees_a_circle_through_a_function_level_import():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert circles(graph) == [["a", "b", "c"]]


def test_no_import_circle_among_sandbox_modules():
    """issue 25: no module reaches itself through imports, including imports inside functions (dataset.py reads and
    writes and imports neither the generator nor Dask; finding and loading the dataset in use is sandbox.loading)."""
    graph = module_graph()
    assert {"sandbox.dataset", "sandbox.loading", "sandbox.generator.world"} <= set(graph)
    assert not circles(graph), circles(graph)
