"""A learner's bar chart as plain data: :func:`bar_chart` reads it from the matplotlib Axes.

Self-contained on purpose (numpy only, no import from the sandbox package): notebooks call it
through ``Question.plain`` and ``sandbox course autograde`` runs this file's source in the student's
kernel next to ``export_answers``, so a chart answer leaves the kernel as data, never as an object.
"""

KIND = "bar chart"


def bar_chart(value):
    """Plain data of a bar chart: ``{"kind", "labels", "values", "title", "xlabel", "ylabel"}``.

    Bars are matched to the category tick nearest their centre, on x (vertical bars) or on y
    (horizontal bars). A value that is already plain data is returned unchanged; anything else
    that is not an Axes becomes ``{"kind": <its type>}`` so the check can say what it got.
    """
    import numpy as np

    if isinstance(value, dict):
        return value
    if not is_axes(value):
        return {"kind": type(value).__name__}
    ax = value
    bars = [p for p in ax.patches if p.get_visible() and p.get_width() and p.get_height()]
    out = {"kind": KIND if bars else "chart without bars", "labels": [], "values": [],
           "title": ax.get_title(), "xlabel": ax.get_xlabel(), "ylabel": ax.get_ylabel()}
    if not bars:
        return out
    widths = {round(abs(p.get_width()), 9) for p in bars}
    vertical = len(widths) == 1  # categorical bars all have the same width; horizontal ones the same height
    ticks = ax.get_xticks() if vertical else ax.get_yticks()
    names = [t.get_text() for t in (ax.get_xticklabels() if vertical else ax.get_yticklabels())]
    for p in bars:
        centre = p.get_x() + p.get_width() / 2 if vertical else p.get_y() + p.get_height() / 2
        i = int(np.argmin(np.abs(np.asarray(ticks) - centre))) if len(ticks) else None
        out["labels"].append(names[i] if i is not None and i < len(names) else "")
        out["values"].append(float(p.get_height() if vertical else p.get_width()))
    return out


def is_axes(value) -> bool:
    """Whether ``value`` looks like a matplotlib Axes (duck-typed: no matplotlib import needed)."""
    return hasattr(value, "patches") and hasattr(value, "get_xticks")
