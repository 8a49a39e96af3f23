"""Large worlds: streamed, partitioned generation to Parquet.

A large world is never held in memory. Its small world-wide part (the
:class:`~sandbox.generator.world.WorldPlan`) is drawn first; then each block of
brands is generated from its own child seeds, written as one Parquet part per
table and dropped. Blocks can be made in any order and in parallel worker
processes: a part depends only on (seed, scale, locale, block), so the files
are byte-identical whatever the number of workers. The folder looks like::

    DIR/
      dataset.json  truth.json
      brands.parquet  accounts.parquet  campaigns.parquet  influencers.parquet
      posts/part-00000.parquet ...          one part per block of brands
      post_daily/  followers_daily/  audience/  comments/
      truth/influencer_labels.parquet
      truth/post_labels/part-00000.parquet ...   truth/comment_labels/...

:func:`sandbox.load_dataset` reads it into pandas, :func:`sandbox.dask.read_dataset`
into dask DataFrames. Like :meth:`Dataset.save`, writing goes to a hidden
sibling folder renamed into place at the end, so a failed or interrupted run
leaves nothing behind.
"""

from __future__ import annotations

import json
import multiprocessing
import signal
from collections import deque
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from pathlib import Path

import pandas as pd

from ._locales import DEFAULT_LOCALE
from ._schema import BLOCK_LABELS, BLOCK_TABLES, TABLES
from .dataset import LABELS_DIR, META_FILE, TRUTH_FILE, prepare_target, staging_dir, write_table
from .generator.world import (WorldPlan, generate_block, label_counts, plan_world, public, world_meta, world_tables,
                              world_truth_from_counts)

PART = "part-{:05d}.parquet"
#: Blocks handed to each worker ahead, so it never waits for this process to hand it the next one.
QUEUED_PER_WORKER = 2


def block_tables(plan: WorldPlan, block: int) -> dict[str, pd.DataFrame]:
    """The public per-block tables and label tables of one block."""
    frames = generate_block(plan, block)
    return {name: public(name, frames[name]) for name in BLOCK_TABLES + BLOCK_LABELS}


def global_tables(plan: WorldPlan) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """The public world-wide tables and the influencer labels."""
    frames, influencer_labels = world_tables(plan)
    return {name: public(name, df) for name, df in frames.items()}, public("influencer_labels", influencer_labels)


def write_block(plan: WorldPlan, block: int, root: Path, include_truth: bool = True) -> dict:
    """Generate one block, write its parts under ``root`` and return its row and label counts."""
    tables = block_tables(plan, block)
    for name in BLOCK_TABLES:
        write_table(tables[name], root / name / PART.format(block), "parquet")
    if include_truth:
        for name in BLOCK_LABELS:
            write_table(tables[name], root / LABELS_DIR / name / PART.format(block), "parquet")
    return {"rows": {name: len(tables[name]) for name in BLOCK_TABLES},
            "labels": label_counts(tables["post_labels"])}


def write_world(directory, seed: int = 0, scale="large", locale: str = DEFAULT_LOCALE, *, jobs: int = 1,
                force: bool = False, include_truth: bool = True, progress: bool = False) -> Path:
    """Generate a world block by block straight into a partitioned Parquet folder.

    Memory stays bounded by a block per worker plus the world plan, never the
    whole world. The output is identical to ``generate(seed, scale,
    locale).save(directory, format="parquet")`` read back with
    :func:`sandbox.load_dataset`, and byte-identical for any ``jobs``.

    Parameters
    ----------
    directory : path
        Target folder; must not exist or be empty, unless ``force``.
    seed, scale, locale
        As for :func:`sandbox.generate` (``scale`` may be a :class:`~sandbox.Scale`,
        e.g. from :func:`sandbox._scales.scale_for_posts`).
    jobs : int
        Processes generating blocks in parallel: this one plus ``jobs - 1`` workers.
    force : bool
        Replace a non-empty target folder.
    include_truth : bool
        Write truth.json and truth/ labels.
    progress : bool
        Show a progress bar over blocks.

    Returns
    -------
    Path of the written folder.

    Examples
    --------
    >>> write_world("big_world", seed=1, scale="large", jobs=2)  # doctest: +SKIP
    """
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be an integer >= 1, got {jobs!r}")
    context = worker_context() if jobs > 1 else None  # its imports overlap with the plan drawn here
    plan = plan_world(seed, scale, locale)
    target = prepare_target(directory, force)
    with staging_dir(target) as tmp:
        for name in BLOCK_TABLES:
            (tmp / name).mkdir()
        if include_truth:
            for name in BLOCK_LABELS:
                (tmp / LABELS_DIR / name).mkdir(parents=True)
        rows, counts = run_blocks(plan, tmp, include_truth, jobs, progress, context)
        tables, influencer_labels = global_tables(plan)
        for name, df in tables.items():
            write_table(df, tmp / f"{name}.parquet", "parquet")
            rows[name] = len(df)
        if include_truth:
            write_table(influencer_labels, tmp / LABELS_DIR / "influencer_labels.parquet", "parquet")
            truth = world_truth_from_counts(plan, counts, int(influencer_labels["has_bought_followers"].sum()))
            (tmp / TRUTH_FILE).write_text(json.dumps(truth, indent=2, sort_keys=True) + "\n")
        meta = dict(world_meta(plan), format="parquet", partitioned=True,
                    rows={name: rows[name] for name in TABLES})
        (tmp / META_FILE).write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
    return target


def run_blocks(plan: WorldPlan, root: Path, include_truth: bool, jobs: int, progress: bool,
               context=None) -> tuple[dict[str, int], dict[str, int]]:
    """Write every block in ``jobs`` processes: this one and ``jobs - 1`` workers.

    Returns the summed row counts and label counts. This process takes blocks
    too, so it is busy while the workers start and no core idles.
    """
    from tqdm.auto import tqdm

    todo = deque(range(plan.n_blocks))
    results = {}
    workers = min(jobs, plan.n_blocks) - 1
    with tqdm(total=plan.n_blocks, desc="generating", unit="block", disable=not progress) as bar:
        pool = start_pool(plan, workers, context) if workers else None
        running = {}
        try:
            while todo or running:
                mine = todo.popleft() if todo else None
                for future in [f for f in running if f.done()]:
                    results[running.pop(future)] = future.result()
                    bar.update()
                while todo and len(running) < QUEUED_PER_WORKER * workers:
                    block = todo.popleft()
                    running[pool.submit(_worker_block, block, root, include_truth)] = block
                if mine is not None:
                    results[mine] = write_block(plan, mine, root, include_truth)
                    bar.update()
                elif running:
                    wait(running, return_when=FIRST_COMPLETED)
        except BaseException:
            if pool is not None:
                # Failed or interrupted: drop queued blocks, let running ones finish
                # before the caller removes the staging folder they write into.
                pool.shutdown(wait=True, cancel_futures=True)
            raise
        if pool is not None:
            pool.shutdown()
    rows = {name: sum(results[b]["rows"][name] for b in sorted(results)) for name in BLOCK_TABLES}
    counts = {key: sum(results[b]["labels"][key] for b in sorted(results)) for key in results[0]["labels"]}
    return rows, counts


def worker_context():
    """The context worker processes start from: forkserver (or spawn), never fork, since this process may
    run threads (pyarrow, tqdm) that a fork would copy mid-lock. The fork server is started at once, in the
    background: it imports the generator while this process draws the world plan, so the workers are
    ready about when this process starts on its first block."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])  # import the generator once, not per worker
    from multiprocessing import forkserver

    forkserver.ensure_running()
    return context


def start_pool(plan: WorldPlan, workers: int, context=None) -> ProcessPoolExecutor:
    """Worker processes that hold ``plan``, started from ``context`` (by default :func:`worker_context`)."""
    return ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(plan,),
                               mp_context=context or worker_context())


_PLAN: WorldPlan | None = None


def _init_worker(plan: WorldPlan) -> None:
    """Worker start-up: keep the plan; leave Ctrl-C to the parent, which cancels the work."""
    global _PLAN
    _PLAN = plan
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _worker_block(block: int, root: Path, include_truth: bool) -> dict:
    return write_block(_PLAN, block, root, include_truth)
