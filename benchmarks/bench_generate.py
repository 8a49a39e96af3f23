"""Benchmark: in-memory generation speed and peak memory per scale, against a per-row Faker baseline.

For every scale, a fresh subprocess (so its peak memory is its own) runs
``sandbox.generate(seed, scale)`` ``--repeats`` times and reports the best
run: total time, time of each table stage (the generator's table functions
are wrapped with timers, so the timed code is exactly what ``generate()``
runs), rows per second of the posts stage, and peak resident memory (RSS).

In the same run, a plain per-row generator builds the same posts columns with
Faker and ``random`` calls, one dict per row, the way a naive generator would;
its rows/s is the baseline of the ratio.

Text (issue 11): the time spent writing captions, hashtags and comments
(``make_post_text`` + ``make_comments``) per world, the one-off time to build
a locale's pools, and text rows/s against per-row Faker sentences measured in
the same run.

Targets (issue 2, 2 cores): posts stage >= 300x the baseline's rows/s; the
large world, all tables, <= 30 s and <= 4 GB peak memory; (issue 11) the text
of a small world < 1 s.

    python benchmarks/bench_generate.py                       # all scales, 3 repeats
    python benchmarks/bench_generate.py --scales tiny,small --repeats 5
    python benchmarks/bench_generate.py --validate            # also time sandbox.validate per world
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import resource
import subprocess
import sys
import time
from datetime import datetime, timezone

import pandas as pd

import sandbox
from sandbox._scales import SCALES
from sandbox._schema import PLATFORM_FORMATS, PLATFORMS, POSTS, TOPICS, VIDEO_FORMATS
from sandbox.dataset import apply_schema

POSTS_TARGET_RATIO = 300
TEXT_SMALL_MAX_SECONDS = 1.0
#: Text stages: (module, function) wrapped with timers like the table stages.
TEXT_STAGES = (("sandbox.generator.posts", "make_post_text"), ("sandbox.generator.world", "make_comments"))
LARGE_MAX_SECONDS = 30
LARGE_MAX_GB = 4
#: The generator's table functions, as named in sandbox.generator.world; each is timed as one stage.
STAGES = ("plan_world", "make_posts", "make_post_daily", "make_followers_daily", "make_audience",
          "make_comments", "make_influencers", "public")


# ------------------------------------------------------------------ baseline

def faker_posts(n_rows: int, seed: int = 0) -> pd.DataFrame:
    """The posts columns built row by row with Faker and random (the naive baseline)."""
    from faker import Faker

    fake = Faker("en_US")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    accounts = {p: [f"A{i:05d}" for i in range(k * 100, k * 100 + 20)] for k, p in enumerate(PLATFORMS)}
    start = datetime(2025, 1, 1, tzinfo=timezone.utc)
    end = datetime(2025, 12, 31, 23, 59, 59, tzinfo=timezone.utc)
    rows = []
    for i in range(n_rows):
        platform = rng.choice(PLATFORMS)
        fmt = rng.choice(PLATFORM_FORMATS[platform])
        tags = ["#" + fake.word() for _ in range(rng.randint(0, 8))]
        is_boosted = rng.random() < 0.05
        impressions = int(rng.lognormvariate(8, 1.3))
        reach = int(impressions * rng.uniform(0.6, 1.0))
        likes = int(reach * rng.uniform(0, 0.04))
        rows.append({
            "post_id": f"P{i:07d}",
            "account_id": rng.choice(accounts[platform]),
            "platform": platform,
            "posted_at": fake.date_time_between(start_date=start, end_date=end, tzinfo=timezone.utc),
            "format": fmt,
            "topic": rng.choice(TOPICS),
            "caption": fake.sentence(nb_words=12),
            "hashtags": " ".join(tags),
            "n_hashtags": len(tags),
            "is_boosted": is_boosted,
            "campaign_id": f"CP{rng.randint(1, 500):04d}" if is_boosted else None,
            "impressions": impressions,
            "reach": reach,
            "likes": likes,
            "comments": int(likes * rng.uniform(0, 0.1)),
            "shares": int(likes * rng.uniform(0, 0.2)),
            "saves": int(likes * rng.uniform(0, 0.2)),
            "link_clicks": int(impressions * rng.uniform(0, 0.01)),
            "video_views": int(impressions * rng.uniform(0.2, 0.6)) if fmt in VIDEO_FORMATS else None,
        })
    return apply_schema(pd.DataFrame(rows), POSTS)


def time_text_baseline(n_rows: int) -> float:
    """Texts per second written one by one with Faker sentences (a naive caption/comment writer)."""
    from faker import Faker

    fake = Faker("en_US")
    fake.seed_instance(0)
    t0 = time.perf_counter()
    texts = [fake.sentence(nb_words=10) for _ in range(n_rows)]
    return len(texts) / (time.perf_counter() - t0)


def time_baseline(n_rows: int) -> float:
    """Rows per second of the Faker baseline."""
    t0 = time.perf_counter()
    df = faker_posts(n_rows)
    seconds = time.perf_counter() - t0
    assert list(df.columns) == POSTS.column_names
    return n_rows / seconds


# ------------------------------------------------------------------ one scale (runs in a subprocess)

class StageTimer:
    """Wrap the generator's stage functions in sandbox.generator.world with timers."""

    def __init__(self):
        from sandbox.generator import world

        self.world = world
        self.seconds: dict[str, float] = {}
        self.missing = [name for name in STAGES if not hasattr(world, name)]
        for name in STAGES:
            if hasattr(world, name):
                setattr(world, name, self._wrap(name, getattr(world, name)))
        import importlib

        for module, name in TEXT_STAGES[:1]:  # make_comments is already a table stage
            mod = importlib.import_module(module)
            if hasattr(mod, name):
                setattr(mod, name, self._wrap(name, getattr(mod, name)))

    def _wrap(self, name, func):
        def timed(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                key = f"public:{args[0]}" if name == "public" else name
                self.seconds[key] = self.seconds.get(key, 0.0) + time.perf_counter() - t0
        return timed

    def reset(self):
        self.seconds = {}

    def text_stage(self) -> float | None:
        """Seconds spent writing captions, hashtags and comments."""
        names = [name for _, name in TEXT_STAGES]
        if not all(n in self.seconds for n in names):
            return None
        return sum(self.seconds[n] for n in names)

    def posts_stage(self) -> float | None:
        """Seconds spent making the posts table (drawing it, then casting it to the schema)."""
        if "make_posts" not in self.seconds:
            return None
        return self.seconds["make_posts"] + self.seconds.get("public:posts", 0.0)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def run_scale(scale: str, repeats: int, seed: int, validate: bool = False) -> dict:
    """Generate ``scale`` ``repeats`` times; the best run's figures (and, optionally, validation time)."""
    timer = StageTimer()
    from sandbox.generator.grammar import get_grammar
    from sandbox.generator.pools import get_pools

    t0 = time.perf_counter()
    get_pools("en_US")
    pools_s = time.perf_counter() - t0
    get_pools.cache_clear()
    get_grammar.cache_clear()
    best = None
    cpu = []
    for i in range(repeats):
        timer.reset()
        gc.collect()
        t0, c0 = time.perf_counter(), time.process_time()
        ds = sandbox.generate(seed=seed, scale=scale)
        total = time.perf_counter() - t0
        cpu.append(time.process_time() - c0)
        rows = {name: len(df) for name, df in ds.tables.items()}
        if i < repeats - 1 or not validate:
            del ds
        if best is None or total < best["total_s"]:
            best = {"scale": scale, "total_s": total, "rows": rows, "stages": dict(timer.seconds),
                    "posts_s": timer.posts_stage(), "text_s": timer.text_stage(), "pools_s": pools_s}
    best["peak_rss_mb"] = peak_rss_mb()  # before validation, so it is generation's peak
    best["cpu_s"] = min(cpu)
    best["untimed_stages"] = timer.missing
    if validate:
        from sandbox.validate import check_dataset

        t0 = time.perf_counter()
        report = check_dataset(ds)
        best["validate_s"] = time.perf_counter() - t0
        best["validate_ok"] = report.ok
        best["validate_peak_rss_mb"] = peak_rss_mb()
    return best


def measure_in_subprocess(scale: str, repeats: int, seed: int, validate: bool) -> dict:
    cmd = [sys.executable, __file__, "--worker", scale, "--repeats", str(repeats), "--seed", str(seed)]
    cmd += ["--validate"] if validate else []
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"benchmark of scale {scale} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------ report

def report(results: list[dict], baseline_rps: float, baseline_rows: int, text_rps: float | None = None) -> str:
    lines = [
        f"sandbox {sandbox.__version__}; Faker baseline: {baseline_rps:,.0f} posts rows/s ({baseline_rows:,} rows, per-row Faker + random)",
        "",
        f"{'scale':<8}{'posts':>11}{'posts s':>9}{'posts rows/s':>14}{'x baseline':>12}"
        f"{'all rows':>12}{'total s':>9}{'CPU s':>8}{'peak RSS':>11}",
    ]
    for r in results:
        posts = r["rows"]["posts"]
        all_rows = sum(r["rows"].values())
        posts_s = r["posts_s"] if r["posts_s"] is not None else r["total_s"]
        rps = posts / posts_s if posts_s else float("nan")
        lines.append(
            f"{r['scale']:<8}{posts:>11,}{posts_s:>9.2f}{rps:>14,.0f}{rps / baseline_rps:>11,.0f}x"
            f"{all_rows:>12,}{r['total_s']:>9.2f}{r['cpu_s']:>8.2f}{r['peak_rss_mb'] / 1024:>8.2f} GB"
        )
    lines.append("")
    lines.append("posts s = the posts stage alone (make_posts + schema cast) when the generator exposes it, else the total;"
                 " CPU s = the CPU seconds of the fastest of the repeats (what a loaded machine does not inflate);"
                 " peak RSS = the whole subprocess (imports included).")
    for r in results:
        if r["posts_s"] is None:
            lines.append(f"{r['scale']}: stage functions not found ({', '.join(r['untimed_stages'])}); posts rows/s uses total time")
    biggest = max(results, key=lambda r: r["rows"]["posts"])
    stages = sorted(biggest["stages"].items(), key=lambda kv: -kv[1])
    lines += ["", f"stage times, {biggest['scale']} (s): " + ", ".join(f"{k} {v:.2f}" for k, v in stages if v >= 0.005)]
    lines.append("")
    for r in results:
        posts_s = r["posts_s"] if r["posts_s"] is not None else r["total_s"]
        ratio = r["rows"]["posts"] / posts_s / baseline_rps
        verdict = "PASS" if ratio >= POSTS_TARGET_RATIO else "FAIL"
        lines.append(f"target posts >= {POSTS_TARGET_RATIO}x baseline, {r['scale']}: {ratio:,.0f}x {verdict}")
    for r in results:
        if "validate_s" in r:
            lines.append(f"validate (in memory), {r['scale']}: {r['validate_s']:.2f} s, "
                         f"{'no violations' if r['validate_ok'] else 'VIOLATIONS'}, "
                         f"peak RSS with the world in memory {r['validate_peak_rss_mb'] / 1024:.2f} GB")
    for r in results:
        if r.get("text_s") is None:
            continue
        texts = r["rows"]["posts"] + r["rows"]["comments"]
        ratio = f", {texts / r['text_s'] / text_rps:,.0f}x per-row Faker sentences" if text_rps else ""
        verdict = (f"; target small < {TEXT_SMALL_MAX_SECONDS:.0f} s "
                   f"{'PASS' if r['text_s'] < TEXT_SMALL_MAX_SECONDS else 'FAIL'}") if r["scale"] == "small" else ""
        lines.append(f"text (captions, hashtags, comments), {r['scale']}: {r['text_s']:.2f} s for {texts:,} texts"
                     f"{ratio}; building the locale pools once per process {r['pools_s']:.2f} s{verdict}")
    large = [r for r in results if r["scale"] == "large"]
    for r in large:
        ok_t = r["total_s"] <= LARGE_MAX_SECONDS
        ok_m = r["peak_rss_mb"] / 1024 <= LARGE_MAX_GB
        lines.append(f"target large world <= {LARGE_MAX_SECONDS} s: {r['total_s']:.1f} s {'PASS' if ok_t else 'FAIL'}")
        lines.append(f"target large world <= {LARGE_MAX_GB} GB peak: {r['peak_rss_mb'] / 1024:.2f} GB {'PASS' if ok_m else 'FAIL'}")
    return "\n".join(lines)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog="example:\n  python benchmarks/bench_generate.py --scales tiny,small,medium,large --repeats 3")
    p.add_argument("--scales", default=",".join(SCALES), help=f"comma-separated scales among {', '.join(SCALES)}")
    p.add_argument("--repeats", type=int, default=3, help="runs per scale; the best is reported")
    p.add_argument("--baseline-rows", type=int, default=20_000, help="rows the Faker baseline generates")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--validate", action="store_true", help="also time sandbox.validate on each generated world")
    p.add_argument("--worker", metavar="SCALE", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    args.scales = [s.strip() for s in args.scales.split(",") if s.strip()]
    unknown = [s for s in args.scales if s not in SCALES]
    if unknown:
        p.error(f"unknown scale(s) {', '.join(unknown)}; allowed: {', '.join(SCALES)}")
    if args.repeats < 1 or args.baseline_rows < 100:
        p.error("--repeats must be >= 1 and --baseline-rows >= 100")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.worker:
        print(json.dumps(run_scale(args.worker, args.repeats, args.seed, args.validate)))
        return 0
    print(f"Faker baseline: {args.baseline_rows:,} rows ...", file=sys.stderr, flush=True)
    baseline_rps = time_baseline(args.baseline_rows)
    text_rps = time_text_baseline(args.baseline_rows)
    results = []
    for scale in args.scales:
        print(f"{scale}: {args.repeats} run(s) in a subprocess ...", file=sys.stderr, flush=True)
        results.append(measure_in_subprocess(scale, args.repeats, args.seed, args.validate))
    print(report(results, baseline_rps, args.baseline_rows, text_rps))
    return 0


if __name__ == "__main__":
    sys.exit(main())
