"""The documentation holds together: every relative link of the README, docs/ and benchmarks/README.md
leads to a file that exists, and to a heading of it when it names one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", ROOT / "benchmarks" / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)


def anchors(page: Path) -> set[str]:
    """GitHub's anchors of a Markdown page's headings: lower case, punctuation dropped, spaces as hyphens."""
    text = FENCE.sub("", page.read_text())
    headings = re.findall(r"^#+\s+(.+?)\s*$", text, re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in headings}


def relative_links(page: Path) -> list[str]:
    return [t for t in LINK.findall(FENCE.sub("", page.read_text())) if not re.match(r"[a-z]+:", t)]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_lead_somewhere(page):
    broken = []
    for target in relative_links(page):
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if not file.exists():
            broken.append(f"{target}: no such file")
        elif anchor and file.suffix == ".md" and anchor not in anchors(file):
            broken.append(f"{target}: no heading #{anchor} in {file.relative_to(ROOT)}")
    assert not broken, broken


def test_every_docs_page_is_linked_from_the_readme():
    linked = {(ROOT / t.partition("#")[0]).resolve() for t in relative_links(ROOT / "README.md")}
    assert sorted(p.name for p in (ROOT / "docs").glob("*.md") if p.resolve() not in linked) == []


def test_the_course_map_names_every_module_of_sandbox_course():
    """docs/grading.md's tree of sandbox/course/ (its trust zones) lists every module, so it cannot drift."""
    text = (ROOT / "docs" / "grading.md").read_text()
    tree = text[text.index("sandbox/course/\n"):]
    tree = tree[:tree.index("```")]
    course = ROOT / "sandbox" / "course"
    missing = [str(p.relative_to(course)) for p in sorted(course.rglob("*.py"))
               if p.name != "__init__.py" and not re.search(rf"^\s+{re.escape(p.name)}\s", tree, re.MULTILINE)]
    assert not missing, f"docs/grading.md's map of sandbox/course/ lacks {missing}"
