"""sandbox/course/ keeps its trust zones apart (see the package docstring and docs/grading.md).

The imports are read from the source (every ``import`` statement, inside functions too), so an import
added where it does not belong fails here before it can matter at grading.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import sandbox.course

COURSE = Path(sandbox.course.__file__).parent


def module_name(path: Path) -> str:
    parts = path.relative_to(COURSE.parent.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every module ``path`` imports (absolute names; ``from X import y`` counts as X and X.y)."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def course_modules() -> dict[str, set[str]]:
    """Module -> the sandbox.course modules it imports."""
    paths = sorted(COURSE.rglob("*.py"))
    names = {module_name(p) for p in paths}
    return {module_name(p): {m for m in imports_of(p) if m in names and m != module_name(p)} for p in paths}


def test_the_kernel_side_never_imports_the_grader():
    graph = course_modules()
    wrong = {m: sorted(i for i in imports if i.startswith("sandbox.course.grade"))
             for m, imports in graph.items() if m.startswith("sandbox.course.kernel")}
    assert not {m: i for m, i in wrong.items() if i}


def test_what_runs_inside_the_sandbox_imports_nothing_of_sandbox():
    inside = COURSE / "kernel" / "inside"
    for path in inside.glob("*.py"):
        wrong = sorted(m for m in imports_of(path) if m == "sandbox" or m.startswith("sandbox."))
        assert not wrong, f"{path.name} imports {wrong}: it runs by path in the sandbox, as untrusted code"


def test_no_import_circle_among_course_modules():
    graph = course_modules()
    # a package imports its submodules' names only through its own __init__; edges to a package are edges to it
    circles = []

    def visit(module: str, path: list[str]) -> None:
        for nxt in sorted(graph.get(module, ())):
            if nxt in path:
                circles.append(path[path.index(nxt):] + [nxt])
            elif nxt not in done:
                visit(nxt, path + [nxt])
        done.add(module)

    done: set[str] = set()
    for module in sorted(graph):
        visit(module, [module])
    assert not circles, circles


def test_importing_the_course_package_imports_and_changes_nothing():
    code = ("import sys; before = set(sys.modules); import sandbox.course; "
            "new = sorted(m for m in set(sys.modules) - before if not m.startswith('sandbox')); "
            "print(new, 'rfc3987_syntax' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[] False"
