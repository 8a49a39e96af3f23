"""A learner's bar chart as plain data: :func:`bar_chart` reads it from the matplotlib Axes.

Self-contained on purpose (numpy and matplotlib only, no import from the sandbox package): notebooks call it
through ``Question.plain`` and ``sandbox course autograde`` runs this file's source in the student's
kernel next to ``export_answers``, so a chart answer leaves the kernel as data, never as an object.
"""

KIND = "bar chart"


def bar_chart(value):
    """Plain data of a bar chart: ``{"kind", "labels", "values", "vertical", "value_scale", "error_bars", "title",
    "xlabel", "ylabel", "order", "value_offset"}`` (``value_scale``: "linear", "log"... of the axis the bar lengths
    run along; ``error_bars``: how many bars carry a visible error bar; ``order``: the labels as a reader meets the
    bars, left to right or top to bottom; ``value_offset``: the offset the value axis writes above its ticks, such as
    "1e7", or ""), and ``categories`` on a category axis: every category it shows, those without a bar included.

    Bars are matched to the category tick nearest their centre, on x (vertical bars) or on y
    (horizontal bars); on a numeric axis a bar's label is its position. A value that is already plain
    data is returned unchanged; anything else that is not an Axes becomes ``{"kind": <its type>}`` so
    the check can say what it got.
    """
    import numpy as np

    if isinstance(value, dict):
        return value
    if not is_axes(value):
        return {"kind": type(value).__name__}
    ax = value
    visible = [p for p in ax.patches if p.get_visible()]
    bars = [p for p in visible if p.get_width() and p.get_height()]
    out = {"kind": KIND if bars else "chart without bars", "labels": [], "values": [],
           "title": ax.get_title(), "xlabel": ax.get_xlabel(), "ylabel": ax.get_ylabel()}
    if not bars:
        return out
    widths = {round(abs(p.get_width()), 9) for p in bars}
    vertical = len(widths) == 1  # categorical bars all have the same width; horizontal ones the same height
    # a bar of value 0 is a bar too (an hour whose one post had no engagement): of no length along the value axis
    across = "get_width" if vertical else "get_height"
    bars = [p for p in visible if getattr(p, across)()]  # in the order they were drawn, zero-length ones included
    ticks = np.asarray(ax.get_xticks() if vertical else ax.get_yticks(), dtype=float)
    names = [t.get_text() for t in (ax.get_xticklabels() if vertical else ax.get_yticklabels())]
    # bars drawn at their own numbers (plt.bar(hours, ...), barplot(native_scale=True)) sit on a numeric
    # axis with a few round ticks: their position is their label, not the nearest tick's
    numeric = not is_category_axis(ax.xaxis if vertical else ax.yaxis)
    if not numeric:
        out["categories"] = names
    out["vertical"] = vertical
    out["value_scale"] = ax.get_yscale() if vertical else ax.get_xscale()
    for p in bars:
        centre = p.get_x() + p.get_width() / 2 if vertical else p.get_y() + p.get_height() / 2
        i = int(np.argmin(np.abs(ticks - centre))) if len(ticks) else None
        if numeric:
            out["labels"].append(position_label(centre))
        else:
            out["labels"].append(names[i] if i is not None and i < len(names) else "")
        out["values"].append(float(p.get_height() if vertical else p.get_width()))
    out["error_bars"] = count_error_bars(ax, bars, vertical)
    out["order"] = reading_order(ax, bars, out["labels"], vertical)
    out["value_offset"] = offset_text(ax.yaxis if vertical else ax.xaxis)
    return out


def reading_order(ax, bars, labels: list, vertical: bool) -> list:
    """``labels`` (one per bar of ``bars``) as a reader meets the bars: left to right, or top to bottom."""
    if vertical:
        flip = bool(ax.xaxis_inverted())
        key = [p.get_x() for p in bars]
    else:  # y grows upwards unless the axis is inverted (seaborn inverts it for horizontal bars)
        flip = not bool(ax.yaxis_inverted())
        key = [p.get_y() for p in bars]
    ranked = sorted(range(len(bars)), key=lambda i: key[i], reverse=flip)
    return [labels[i] for i in ranked]


def offset_text(axis) -> str:
    """The offset (``"1e7"``) or the factor the axis's tick formatter writes beside its ticks, "" when none: what a
    drawn chart would show, computed without drawing it."""
    formatter = axis.get_major_formatter()
    try:
        formatter.set_locs(axis.get_majorticklocs())
        return str(formatter.get_offset()).strip()
    except (AttributeError, TypeError, ValueError):
        return ""


def count_error_bars(ax, bars, vertical: bool) -> int:
    """How many of ``bars`` carry a visible error bar: a segment along the value axis through the bar's centre.

    seaborn draws each as a two-point line (``ax.lines``; NaN when a bar has one value); ``plt.bar(yerr=...)``
    and pandas as the segments of an ErrorbarContainer.
    """
    import numpy as np
    from matplotlib.container import ErrorbarContainer

    segments = [np.asarray(line.get_xydata(), dtype=float) for line in ax.lines]
    for container in ax.containers:
        if isinstance(container, ErrorbarContainer):
            _, _, collections = container.lines
            segments.extend(np.asarray(seg, dtype=float) for c in collections for seg in c.get_segments())
    across, along = (0, 1) if vertical else (1, 0)  # columns: position across the bars, value along them
    centres = [p.get_x() + p.get_width() / 2 if vertical else p.get_y() + p.get_height() / 2 for p in bars]
    marked = set()
    for seg in segments:
        if seg.shape != (2, 2) or not np.isfinite(seg).all():
            continue
        if seg[0, across] != seg[1, across] or seg[0, along] == seg[1, along]:
            continue  # not a segment along the value axis, or of no length
        hits = [i for i, c in enumerate(centres) if abs(c - seg[0, across]) < 1e-6]
        marked.update(hits)
    return len(marked)


def is_category_axis(axis) -> bool:
    """True when the axis has one tick per category (seaborn, plt.bar of text, pandas .plot.bar)."""
    from matplotlib.category import StrCategoryLocator
    from matplotlib.ticker import FixedLocator

    return isinstance(axis.get_major_locator(), (StrCategoryLocator, FixedLocator))


def position_label(x: float) -> str:
    """The label of a bar drawn at position ``x`` on a numeric axis: ``"14"`` for 14.0."""
    return str(int(round(x))) if abs(x - round(x)) < 1e-6 else f"{x:g}"


def is_axes(value) -> bool:
    """Whether ``value`` looks like a matplotlib Axes (duck-typed: no matplotlib import needed)."""
    return hasattr(value, "patches") and hasattr(value, "get_xticks")
