"""Every chart a notebook draws holds data, and a notebook prints nothing the learner did not cause (no
warnings on stderr, no ``[Text(...)]`` from a chart cell that ends on ``ax.set(...)``).

Each solution notebook runs in a real kernel with a probe cell first. After every cell, the probe
renders each open figure, then hides one kind of data artist at a time (bars and other patches,
lines, collections such as heatmap cells or points, images) and renders again: when hiding a kind
changes no pixel inside the axes, that kind draws nothing. An axes fails when its bars draw nothing or
when no kind draws anything (``barplot(..., log_scale=True)`` with
matplotlib 3.11 keeps its bars as patches but paints none). PNGs of the figures are saved for review
(``SANDBOX_CHART_DIR``).
"""

import json
import os
import re
from pathlib import Path

import nbformat
import pytest

from sandbox._environment import tool_env
from sandbox.exercises import NOTEBOOKS

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
MARKER = "@@charts@@"

PROBE = r'''
import json as _json, os as _os
import numpy as _np
import matplotlib as _mpl
_mpl.use("Agg")
import matplotlib.pyplot as _plt
from matplotlib.colorbar import Colorbar as _Colorbar

_CHARTS, _CELL = [], [0]
_OUT = _os.environ.get("SANDBOX_CHART_DIR")


def _pixels(fig, bbox):
    fig.canvas.draw()
    img = _np.asarray(fig.canvas.buffer_rgba())
    h = img.shape[0]
    x0, y0, x1, y1 = (int(round(v)) for v in bbox.extents)
    return img[max(h - y1, 0):h - y0, max(x0, 0):x1].copy()


def _groups(ax):
    patches = [p for p in ax.patches if p.get_visible()]
    return {"patches": patches, "lines": [l for l in ax.lines if l.get_visible()],
            "collections": [c for c in ax.collections if c.get_visible()],
            "images": [i for i in ax.images if i.get_visible()]}


def _record(*_):
    _CELL[0] += 1
    for num in _plt.get_fignums():
        fig = _plt.figure(num)
        fig.set_dpi(50)
        if _OUT:
            fig.savefig(_os.path.join(_OUT, f"cell{_CELL[0]:02d}_fig{num}.png"))
        for ax in fig.axes:
            if getattr(ax, "_colorbar", None) is not None or ax.get_label() == "<colorbar>":
                continue
            bbox = ax.get_window_extent()
            full = _pixels(fig, bbox)
            empty = []
            for kind, artists in _groups(ax).items():
                if not artists:
                    continue
                for a in artists:
                    a.set_visible(False)
                if _np.array_equal(full, _pixels(fig, bbox)):
                    empty.append(kind)
                for a in artists:
                    a.set_visible(True)
            kinds = [k for k, v in _groups(ax).items() if v]
            _CHARTS.append({"cell": _CELL[0], "title": ax.get_title(), "kinds": kinds, "empty": empty})
    _plt.close("all")


get_ipython().events.register("post_execute", _record)
'''


def run(notebook: str, out: Path) -> tuple[list, list]:
    """Execute a solution notebook with the probe; (charts seen, stderr/warning outputs)."""
    from nbclient import NotebookClient

    nb = nbformat.read(ROOT / "solutions" / f"{notebook}.ipynb", as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(PROBE))
    nb.cells.append(nbformat.v4.new_code_cell(f"print({MARKER!r} + _json.dumps(_CHARTS))"))
    env = tool_env()
    env["SANDBOX_CHART_DIR"] = str(out)
    env.pop("SANDBOX_DATASET", None)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(ROOT / "solutions")}}).execute(env=env)
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    charts = json.loads(text.split(MARKER, 1)[1])
    noise = [(i, o.get("text", "")) for i, c in enumerate(nb.cells[1:-1], start=1) if c.cell_type == "code"
             for o in c.outputs if o.output_type == "stream" and o.name == "stderr"]
    # a chart cell that ends on ax.set(...) shows its return value: [Text(...), ...] (end it with ;)
    noise += [(i, o["data"]["text/plain"]) for i, c in enumerate(nb.cells[1:-1], start=1) if c.cell_type == "code"
              for o in c.outputs if o.output_type == "execute_result"
              and re.search(r"\bText\(|<matplotlib\.", o.get("data", {}).get("text/plain", ""))]
    return charts, noise


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_every_chart_holds_data_and_nothing_is_printed_on_stderr(notebook, tmp_path):
    out = Path(os.environ.get("SANDBOX_CHART_DIR", tmp_path)) / notebook
    out.mkdir(parents=True, exist_ok=True)
    charts, noise = run(notebook, out)
    assert charts, f"{notebook} draws no chart at all"
    # bars (patches) are the data wherever they exist; otherwise some kind must paint something
    # (error bars of single values and confidence bands of single points may stay empty)
    empty = [c for c in charts if not c["kinds"] or set(c["kinds"]) == set(c["empty"]) or "patches" in c["empty"]]
    assert not empty, f"charts drawing no data: {empty}"
    assert not noise, f"{notebook} prints what the learner did not cause (stderr, [Text(...)]): {noise}"
