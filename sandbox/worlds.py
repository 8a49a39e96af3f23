"""A world written to a folder: what `sandbox generate` runs, as a library function.

:func:`plan_generate` holds every rule of a generation's options (which scale, csv or parquet, in one
piece or partitioned, whether a dirty export is allowed) and settles them into a :class:`WorldSpec`;
:func:`generate_to` checks the output folder, then makes the world and writes it. Both refuse a bad
option or folder before anything heavy is imported, so a mistake costs a fraction of a second::

    import sandbox
    sandbox.generate_to("my_world", seed=123)                       # small, CSV
    sandbox.generate_to("huge", seed=5, posts=10_000_000, jobs=2)    # partitioned Parquet, 2 processes
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from pathlib import Path

from ._dataset_files import check_format, prepare_target
from ._dirty_rate import MAX_DIRTY, check_dirty  # noqa: F401  (MAX_DIRTY: the CLI's help names it)
from ._locales import DEFAULT_LOCALE, canonical_locale
from ._scales import DEFAULT_SCALE, SCALES, Scale, get_scale, scale_for_posts

#: Largest scale written in one piece (and as CSV); bigger worlds are streamed as partitioned Parquet.
MAX_IN_MEMORY = "medium"


def _whole(value, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}, got {value!r}")
    return int(value)


@dataclass(frozen=True)
class WorldSpec:
    """A generation's options, checked and settled by :func:`plan_generate`."""

    seed: int
    scale: Scale
    format: str
    #: Written block by block as Parquet parts (never held in memory), rather than table by table.
    partitioned: bool
    jobs: int
    dirty: float
    locale: str


def plan_generate(seed: int = 0, scale=None, posts: int | None = None, format: str | None = None, jobs: int = 1,
                  dirty: float = 0.0, locale: str = DEFAULT_LOCALE) -> WorldSpec:
    """Check a generation's options and settle what will be made.

    Parameters
    ----------
    seed : int
        Any non-negative integer.
    scale : str or Scale, optional
        A scale name in any case (``"small"``, ``"Large"``) or a :class:`~sandbox.Scale`; default
        the generator's. Not with ``posts``.
    posts : int, optional
        A custom size: about this many posts (100 to 1,000,000,000), instead of ``scale``.
    format : {"csv", "parquet"}, optional
        Default: csv up to the medium scale, parquet above it or with ``jobs`` above 1. CSV is
        refused above the medium scale.
    jobs : int
        Processes generating a partitioned world (parquet only).
    dirty : float
        Share of rows to damage for cleaning practice, 0 to MAX_DIRTY; not for partitioned worlds.
    locale : str
        Language of names and texts, in any case (``fr_fr`` is ``fr_FR``).

    Partitioned: parquet worlds above the medium scale, with ``jobs`` above 1 or sized by ``posts``.
    """
    seed = _whole(seed, "seed", 0)
    jobs = _whole(jobs, "jobs", 1)
    if posts is not None:
        if scale is not None:
            raise ValueError("posts sets a custom size; give it instead of scale, not with it")
        size = scale_for_posts(posts)
    else:
        size = get_scale(DEFAULT_SCALE if scale is None else scale)
    largest = SCALES[MAX_IN_MEMORY]
    big, parallel = size.n_brands > largest.n_brands, jobs > 1
    if format is None:
        format = "parquet" if big or parallel else "csv"
    check_format(format)
    if format == "csv" and big:
        raise ValueError(f"csv is limited to worlds up to the {largest.name} scale ({largest.n_brands} brands; this one "
                         f"has {size.n_brands:,}); write larger worlds as parquet")
    if format == "csv" and parallel:
        raise ValueError("jobs above 1 generate partitioned parquet; choose the parquet format or 1 job")
    partitioned = format == "parquet" and (big or parallel or posts is not None)
    dirty = check_dirty(dirty)
    if partitioned and dirty:
        raise ValueError("a dirty export cannot be partitioned parquet (jobs above 1, posts with the parquet format, "
                         "or worlds above the medium scale); partitioned worlds are clean")
    return WorldSpec(seed=seed, scale=size, format=format, partitioned=partitioned, jobs=jobs, dirty=dirty,
                     locale=canonical_locale(locale))


def generate_to(out, seed: int = 0, scale=None, posts: int | None = None, format: str | None = None, jobs: int = 1,
                dirty: float = 0.0, locale: str = DEFAULT_LOCALE, *, force: bool = False, include_truth: bool = True,
                progress: bool = False) -> Path:
    """Generate a world and write it to the folder ``out``; returns its path.

    The options are those of :func:`plan_generate`. ``out`` must be new or empty; with ``force`` it
    may also hold a dataset and nothing else, which is replaced (a folder holding any other file is
    refused, naming the files). ``include_truth=False`` leaves out the answers (truth.json, truth/).
    The world is written into a hidden sibling folder renamed into place at the end: a failed run
    leaves nothing behind.
    """
    spec = plan_generate(seed, scale, posts, format, jobs, dirty, locale)
    target = prepare_target(out, force)
    if spec.partitioned:
        from .partitioned import write_world

        return write_world(target, seed=spec.seed, scale=spec.scale, locale=spec.locale, jobs=spec.jobs, force=force,
                           include_truth=include_truth, progress=progress)
    from .generator import generate

    world = generate(seed=spec.seed, scale=spec.scale, locale=spec.locale, dirty=spec.dirty, progress=progress)
    return world.save(target, format=spec.format, force=force, include_truth=include_truth, progress=progress)
