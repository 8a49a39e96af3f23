"""What a student's notebook shows the instructor stays inert: no script runs in formgrader or in feedback.

Formgrader renders the autograded notebook; feedback HTML is rendered from it too. So the autograded
notebook itself is cleaned, after nbgrader saved its scores (:class:`SanitizeNotebook`, in the course's
autograde preprocessors, and again before feedback):

- HTML outputs (``display(HTML(...))``, pandas tables) go through an allowlist sanitiser: tags and
  attributes that cannot run code (tables, headings, lists, links to http/https/mailto) stay, scripts,
  ``<style>``, event handlers and ``javascript:`` or ``data:`` URLs go. Markdown outputs are rendered and
  cleaned the same way; outputs that are code by nature (JavaScript, widgets) or can hide code (SVG,
  LaTeX for MathJax) are dropped. Text, errors (our check messages) and PNG/JPEG images (charts) are
  inert as they are and stay.
- Markdown cells the student wrote or changed (written answers included) are rendered as nbconvert
  renders them and cleaned; the cell keeps the cleaned HTML as its source. A markdown cell identical to
  one of the assignment's source notebook is the instructor's and stays as it is.

The sanitiser is nh3 (ammonia, an allowlist HTML sanitiser kept up by the Rust community) rather than
regular expressions: HTML parsing has too many corners (``<img/onerror=...>``, entities in URLs,
unclosed tags) for patterns to be safe, and nbconvert's own ``clean_html`` (bleach, deprecated since
2023) escapes the tables and headings that feedback must show.
"""

from __future__ import annotations

import nbformat
import nh3
from nbconvert.filters.markdown_mistune import markdown2html_mistune
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor

#: Output types shown as they are: plain text, JSON (shown as text) and raster images cannot run code.
INERT_OUTPUTS = ("text/plain", "image/png", "image/jpeg", "application/json")
#: Tags and attributes kept in HTML: nh3's allowlist, with ``class`` (pandas tables use it).
ATTRIBUTES = {tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()} | {"*": {"class"}}
URL_SCHEMES = {"http", "https", "mailto"}
#: What a removed output becomes when nothing inert was left of it.
REMOVED = "[output not shown: it could run code in the instructor's browser]"


def clean_html(html: str) -> str:
    """``html`` with everything that can run code or load from elsewhere removed."""
    return nh3.clean(html, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES, link_rel="noopener noreferrer")


def markdown_html(markdown: str) -> str:
    """Markdown rendered as nbconvert renders it, then cleaned: one HTML block with no blank line, so that
    a Markdown renderer shows it as it is."""
    html = clean_html(markdown2html_mistune(markdown))
    lines = [line for line in html.splitlines() if line.strip()]
    return "<div>\n" + "\n".join(lines) + "\n</div>"


def clean_output(output: NotebookNode) -> NotebookNode:
    """A display or execute_result output with only inert data left (streams and errors are text)."""
    if output.get("output_type") not in ("display_data", "execute_result"):
        return output
    data = output.get("data", {})
    kept = {k: v for k, v in data.items() if k in INERT_OUTPUTS}
    if "text/html" in data:
        kept["text/html"] = clean_html(_text(data["text/html"]))
    elif "text/markdown" in data:
        kept["text/html"] = markdown_html(_text(data["text/markdown"]))
    if not kept:
        kept["text/plain"] = REMOVED
    output["data"] = kept
    output["metadata"] = {k: v for k, v in output.get("metadata", {}).items() if k in kept}
    return output


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def sanitize_notebook(nb, trusted_markdown: set[str]) -> None:
    """Clean every output and every markdown cell whose source is not in ``trusted_markdown``, in place."""
    nb.metadata.pop("widgets", None)  # widget state is rendered by a script of the page
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [clean_output(o) for o in cell.get("outputs", [])]
        elif cell.cell_type == "markdown" and cell.source not in trusted_markdown:
            cell.source = markdown_html(cell.source)
            cell.pop("attachments", None)
        elif cell.cell_type == "raw":
            cell.source = clean_html(cell.source)


class SanitizeNotebook(NbGraderPreprocessor):
    """Make a submission inert to show (see the module docstring): after SaveAutoGrades, and before feedback."""

    def preprocess(self, nb, resources):
        sanitize_notebook(nb, self.source_markdown(resources))
        return nb, resources

    def source_markdown(self, resources) -> set[str]:
        """The markdown cells of the assignment's source notebook (the instructor's), or none if unknown."""
        from .nbgrader_ext import course_root_from_db_url

        nbg = resources.get("nbgrader", {})
        try:
            course = course_root_from_db_url(nbg["db_url"])
            source = nbformat.read(course / "source" / nbg["assignment"] / f"{nbg['notebook']}.ipynb", as_version=4)
        except (KeyError, OSError, RuntimeError):
            return set()
        return {c.source for c in source.cells if c.cell_type == "markdown"}
