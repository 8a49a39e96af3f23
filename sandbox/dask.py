"""Dask DataFrames of sandbox worlds, for worlds larger than one machine.

Optional: ``pip install ".[dask]"``. ``import sandbox`` never imports dask;
``import sandbox.dask`` does.

- :func:`read_dataset` reads a dataset folder (partitioned Parquet from
  ``sandbox generate --scale large``, or plain CSV/Parquet files) lazily, one
  dask partition per part file, with the schema's dtypes.
- :func:`read_world` generates a world lazily: each dask partition is one block
  of brands made by the same block function as ``sandbox generate``, so a Dask
  cluster can generate and analyse a world no single machine could hold. The
  result equals ``sandbox.generate(seed, scale, locale)`` for any scheduler.

Partitions keep their own 0-based index (divisions are unknown); use
``reset_index(drop=True)`` after ``compute()`` when the index matters.

Example::

    from dask.distributed import Client
    import sandbox.dask as sd

    client = Client("tcp://scheduler:8786")
    ds = sd.read_world(seed=1, posts=50_000_000)
    ds.posts.groupby("platform", observed=True)["likes"].mean().compute()
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path

try:
    import dask
    import dask.dataframe as dd
except ImportError as e:  # pragma: no cover - depends on the installation
    raise ImportError('sandbox.dask needs the optional Dask dependencies: pip install ".[dask]"') from e

from ._locales import DEFAULT_LOCALE
from ._scales import DEFAULT_SCALE, Scale, get_scale, scale_for_posts
from ._schema import BLOCK_LABELS, BLOCK_TABLES, TABLES, TRUTH_TABLES, WORLD_TABLES
from .dataset import LABELS_DIR, DatasetError, empty_table, find_table_file, read_meta, read_table, read_truth
from .generator.world import WorldPlan, plan_world, world_meta, world_truth_from_counts
from .partitioned import block_tables, global_tables

__all__ = ["DaskDataset", "read_dataset", "read_world"]


@dataclass
class DaskDataset:
    """A world as dask DataFrames: the learner tables, the labels, meta and truth.

    Like :class:`sandbox.Dataset`, tables are attributes (``ds.posts``) and
    items (``ds["posts"]``); ``labels`` holds the per-row truth tables.
    ``truth`` is read from truth.json, or, for a generated world, computed on
    first use (it counts labels, which generates every block).
    """

    brands: dd.DataFrame
    accounts: dd.DataFrame
    posts: dd.DataFrame
    post_daily: dd.DataFrame
    followers_daily: dd.DataFrame
    audience: dd.DataFrame
    campaigns: dd.DataFrame
    comments: dd.DataFrame
    influencers: dd.DataFrame
    fx_rates: dd.DataFrame
    labels: dict[str, dd.DataFrame] = field(default_factory=dict)
    meta: dict = field(default_factory=dict)
    _truth: dict | None = field(default=None, repr=False)
    _plan: WorldPlan | None = field(default=None, repr=False)

    @property
    def tables(self) -> dict[str, dd.DataFrame]:
        """The learner tables by name, in data-model order."""
        return {name: getattr(self, name) for name in TABLES}

    def __getitem__(self, name: str) -> dd.DataFrame:
        if name not in TABLES:
            raise KeyError(f"no table {name!r}; tables: {', '.join(TABLES)}")
        return getattr(self, name)

    @property
    def truth(self) -> dict:
        if self._truth is None and self._plan is not None:
            post_labels = self.labels["post_labels"]
            bots, virals, bought = dask.compute(post_labels["is_bot_spike"].sum(), post_labels["is_viral"].sum(),
                                                self.labels["influencer_labels"]["has_bought_followers"].sum())
            self._truth = world_truth_from_counts(self._plan, {"bot_spikes": int(bots), "viral_posts": int(virals)},
                                                  int(bought))
        return self._truth or {}


def _schema_dtypes():
    """Keep the schema's dtypes: dask would turn pandas' ``str`` columns into ``string[pyarrow]``
    (pd.NA for missing), which differs from what :func:`sandbox.load_dataset` gives."""
    return dask.config.set({"dataframe.convert-string": False})


def read_dataset(directory) -> DaskDataset:
    """Read a dataset folder lazily: one dask partition per Parquet part (or per file).

    Dtypes follow the schema, as with :func:`sandbox.load_dataset`, whose
    output equals ``{name: df.compute()}`` here (up to the index).
    """
    directory = Path(directory)
    meta = read_meta(directory)
    if meta.get("exports"):
        raise DatasetError(f"{directory} is a dirty world: its {', '.join(meta['exports'])} are export files, "
                           "not tables; recover them with sandbox.reference.clean(DIR) first")
    frames = {}
    for name, table in TABLES.items():
        path = find_table_file(directory, name)
        if path is None:
            raise DatasetError(f"{directory} has no table {name!r} ({name}.csv, {name}.parquet or {name}/)")
        frames[name] = _lazy_table(path, name)
    labels = {}
    for name in TRUTH_TABLES:
        path = find_table_file(directory / LABELS_DIR, name)
        if path is not None:
            labels[name] = _lazy_table(path, name)
    truth = read_truth(directory)
    return DaskDataset(**frames, labels=labels, meta=meta, _truth=truth)


def _lazy_table(path: Path, name: str) -> dd.DataFrame:
    parts = sorted(path.glob("part-*.parquet")) if path.is_dir() else [path]
    if not parts:
        raise DatasetError(f"{path} holds no part-*.parquet files")
    table = TABLES.get(name) or TRUTH_TABLES[name]
    with _schema_dtypes():
        return dd.from_map(partial(_read_part, name=name), [str(p) for p in parts], meta=empty_table(table),
                           label=f"read-{name}", enforce_metadata=False)


def _read_part(path: str, name: str):
    table = TABLES.get(name) or TRUTH_TABLES[name]
    return read_table(Path(path), table)


def read_world(seed: int = 0, scale=None, locale: str = DEFAULT_LOCALE, *, posts: int | None = None) -> DaskDataset:
    """A world whose per-block tables are generated lazily, one dask partition per block.

    Parameters
    ----------
    seed, locale
        As for :func:`sandbox.generate`.
    scale : {"tiny", "small", "medium", "large"} or Scale, optional
        Default :data:`sandbox._scales.DEFAULT_SCALE`. Do not combine with ``posts``.
    posts : int, optional
        About this many posts (a custom scale, as ``sandbox generate --posts``).

    Everything is drawn by the workers: the world-wide tables (brands,
    accounts, campaigns, influencers) as one task, each block as another.
    A worker process plans the world once (cheap: brands and accounts, no
    posts); the client plans it too, for ``n_blocks``, ``meta`` and ``truth``.
    Tables computed together (``dask.compute(ds.posts, ds.comments)``) share
    each block's task.
    """
    if posts is not None and scale is not None:
        raise ValueError("give either scale or posts, not both")
    scale = scale_for_posts(posts) if posts is not None else get_scale(scale or DEFAULT_SCALE)
    plan = plan_world(seed, scale, locale)
    args = (plan.seed, plan.scale, plan.locale)
    token = dask.base.tokenize(*args)
    # Tasks carry only (seed, scale, locale): workers draw the data, the graph stays small.
    world = dask.delayed(_world_tables, pure=True)(*args, dask_key_name=f"sandbox-world-{token}")
    blocks = [dask.delayed(_block, pure=True)(*args, b, dask_key_name=(f"sandbox-block-{token}", b))
              for b in range(plan.n_blocks)]
    frames = {}
    with _schema_dtypes():
        for name in WORLD_TABLES + ("influencer_labels",):
            frames[name] = _from_parts([world], name, token)
        for name in BLOCK_TABLES + BLOCK_LABELS:
            frames[name] = _from_parts(blocks, name, token)
    labels = {name: frames.pop(name) for name in TRUTH_TABLES}
    meta = dict(world_meta(plan), format="dask")
    return DaskDataset(**frames, labels=labels, meta=meta, _plan=plan)


def _from_parts(parts: list, name: str, token: str) -> dd.DataFrame:
    """A dask DataFrame of table ``name`` taken from each delayed dict of tables in ``parts``."""
    table = TABLES.get(name) or TRUTH_TABLES[name]
    pieces = [dask.delayed(operator.getitem, pure=True)(part, name, dask_key_name=(f"sandbox-{name}-{token}", i))
              for i, part in enumerate(parts)]
    return dd.from_delayed(pieces, meta=empty_table(table), verify_meta=False)


@lru_cache(maxsize=2)
def _plan(seed: int, scale: Scale, locale: str) -> WorldPlan:
    return plan_world(seed, scale, locale)


def _block(seed: int, scale: Scale, locale: str, block: int) -> dict:
    return block_tables(_plan(seed, scale, locale), block)


def _world_tables(seed: int, scale: Scale, locale: str) -> dict:
    tables, influencer_labels = global_tables(_plan(seed, scale, locale))
    return {**tables, "influencer_labels": influencer_labels}
