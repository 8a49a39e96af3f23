"""The validator: clean worlds pass, and each rule catches its own corruption."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sandbox
from sandbox._schema import PLATFORM_FORMATS, VIDEO_FORMATS
from sandbox.cli import main
from sandbox.validate import RULES, check_dataset, simulated_period, validate, validate_dir

DAY = pd.Timedelta(days=1)
SANDBOX = Path(sandbox.__file__).parent


def copy_of(ds):
    """A copy whose tables can be changed without touching the shared fixture."""
    tables = {name: df.copy() for name, df in ds.tables.items()}
    return dataclasses.replace(ds, **tables, labels=dict(ds.labels), meta=dict(ds.meta), truth=dict(ds.truth))


def rules_of(ds) -> set[str]:
    return {v.rule for v in validate(ds)}


# ---------------------------------------------------------------- picking rows

def period(ds):
    return simulated_period(ds.meta, ds.truth)


def early_post_with_days(ds, n_days=2):
    """Position of a post (in posts) with >= n_days daily rows, published well before the period end."""
    counts = ds.post_daily.groupby("post_id").size()
    end = period(ds)[1]
    ok = ds.posts["post_id"].map(counts).fillna(0).ge(n_days) & (ds.posts["posted_at"] < end - 20 * DAY)
    ok &= ds.posts["posted_at"] > period(ds)[0] + DAY
    return int(np.flatnonzero(ok.to_numpy())[0])


def day0_row(ds, post_pos):
    pid = ds.posts["post_id"].iat[post_pos]
    return int(np.flatnonzero(((ds.post_daily["post_id"] == pid) & (ds.post_daily["day_index"] == 0)).to_numpy())[0])


def set_cell(df, row, col, value):
    df.iloc[row, df.columns.get_loc(col)] = value


def raise_post_metric(ds, metric, daily_metric, target):
    """Raise a post's ``metric`` (and its day-0 daily row) so it exceeds ``target(post)``."""
    p = early_post_with_days(ds, 1)
    post = ds.posts.iloc[p]
    delta = int(target(post) - post[metric] + 1)
    set_cell(ds.posts, p, metric, post[metric] + delta)
    r = day0_row(ds, p)
    set_cell(ds.post_daily, r, daily_metric, ds.post_daily[daily_metric].iat[r] + delta)


def middle_followers_row(ds):
    fd = ds.followers_daily
    acc = fd["account_id"].iat[0]
    rows = np.flatnonzero((fd["account_id"] == acc).to_numpy())
    rows = rows[np.argsort(fd["date"].to_numpy()[rows], kind="stable")]
    return rows[len(rows) // 2], rows[len(rows) // 2 + 1]


# ---------------------------------------------------------------- one corruption per rule

def c_missing_table(ds):
    ds.influencers = None


def c_missing_column(ds):
    ds.influencers = ds.influencers.drop(columns="niche")


def c_dtype(ds):
    ds.influencers["posts_30d"] = ds.influencers["posts_30d"] + 0.5


def c_not_null(ds):
    set_cell(ds.influencers, 0, "avg_likes", np.nan)


def c_category(ds):
    ds.influencers["niche"] = ds.influencers["niche"].cat.add_categories(["knitting"])
    set_cell(ds.influencers, 0, "niche", "knitting")


def c_unique_key(ds):
    ds.influencers = pd.concat([ds.influencers, ds.influencers.iloc[[0]]], ignore_index=True)


def c_foreign_key(ds):
    set_cell(ds.comments, 0, "post_id", "P9999999")


def c_non_negative(ds):
    set_cell(ds.influencers, 0, "avg_comments", -1.0)


def c_platform_matches_account(ds):
    # move a post to another platform that offers the same format
    for p, (platform, fmt) in enumerate(zip(ds.posts["platform"], ds.posts["format"])):
        others = [q for q, fmts in PLATFORM_FORMATS.items() if q != platform and fmt in fmts]
        if others:
            set_cell(ds.posts, p, "platform", others[0])
            return
    raise AssertionError("no post format is shared by two platforms")


def c_format_platform(ds):
    for p, (platform, fmt) in enumerate(zip(ds.posts["platform"], ds.posts["format"])):
        if fmt not in VIDEO_FORMATS:
            wrong = next(f for f in ("document", "carousel", "text") if f not in PLATFORM_FORMATS[platform])
            set_cell(ds.posts, p, "format", wrong)
            return
    raise AssertionError("no non-video post")


def c_reach_le_impressions(ds):
    raise_post_metric(ds, "reach", "reach", lambda post: post["impressions"])


def c_engagements_le_impressions(ds):
    raise_post_metric(ds, "shares", "engagements",
                      lambda post: post["impressions"] - post["comments"] - post["likes"] - post["saves"])


def c_likes_le_reach(ds):
    """Likes above reach but engagements still within impressions (possible when impressions > reach)."""
    posts = ds.posts
    room = posts["impressions"] - posts[["likes", "comments", "shares", "saves"]].sum(axis=1) - (posts["reach"] - posts["likes"])
    p = int(np.flatnonzero((room > 0).to_numpy() & (posts["post_id"].isin(ds.post_daily["post_id"])).to_numpy())[0])
    post = posts.iloc[p]
    delta = int(post["reach"] - post["likes"] + 1)
    set_cell(posts, p, "likes", post["likes"] + delta)
    r = int(np.flatnonzero((ds.post_daily["post_id"] == post["post_id"]).to_numpy())[0])
    set_cell(ds.post_daily, r, "engagements", ds.post_daily["engagements"].iat[r] + delta)


def c_link_clicks_le_impressions(ds):
    raise_post_metric(ds, "link_clicks", "link_clicks", lambda post: post["impressions"])


def c_video_views_null(ds):
    p = int(np.flatnonzero(~ds.posts["format"].isin(list(VIDEO_FORMATS)).to_numpy())[0])
    set_cell(ds.posts, p, "video_views", 5)


def c_n_hashtags(ds):
    set_cell(ds.posts, 0, "n_hashtags", ds.posts["n_hashtags"].iat[0] + 1)


def c_boosted_campaign(ds):
    p = int(np.flatnonzero(ds.posts["campaign_id"].isna().to_numpy())[0])
    set_cell(ds.posts, p, "is_boosted", True)


def c_in_period(ds):
    set_cell(ds.comments, 0, "created_at", period(ds)[1] + pd.Timedelta(hours=1))


def c_after_account_created(ds):
    acc = ds.posts["account_id"].iat[0]
    last_post = ds.posts.loc[ds.posts["account_id"] == acc, "posted_at"].max()
    ds.accounts.loc[ds.accounts["account_id"] == acc, "created_at"] = last_post + pd.Timedelta(seconds=1)


def c_comment_after_post(ds):
    start = period(ds)[0]
    posted = ds.comments["post_id"].map(ds.posts.set_index("post_id")["posted_at"])
    c = int(np.flatnonzero((posted > start + DAY).to_numpy())[0])
    set_cell(ds.comments, c, "created_at", posted.iat[c] - pd.Timedelta(seconds=1))


def c_daily_sums(ds):
    r = day0_row(ds, early_post_with_days(ds, 1))
    set_cell(ds.post_daily, r, "impressions", ds.post_daily["impressions"].iat[r] + 1)


def c_daily_start(ds):
    pid = ds.posts["post_id"].iat[early_post_with_days(ds, 1)]
    rows = ds.post_daily["post_id"] == pid
    ds.post_daily.loc[rows, "date"] = ds.post_daily.loc[rows, "date"] + DAY


def c_daily_consecutive(ds):
    pid = ds.posts["post_id"].iat[early_post_with_days(ds, 2)]
    rows = np.flatnonzero((ds.post_daily["post_id"] == pid).to_numpy())
    last = rows[np.argmax(ds.post_daily["day_index"].to_numpy()[rows])]
    set_cell(ds.post_daily, last, "date", ds.post_daily["date"].iat[last] + DAY)


def c_followers_days(ds):
    # drop a day, moving its follows/unfollows to the next day so the balance still holds
    gone, nxt = middle_followers_row(ds)
    fd = ds.followers_daily
    for col in ("follows", "unfollows"):
        set_cell(fd, nxt, col, fd[col].iat[nxt] + fd[col].iat[gone])
    ds.followers_daily = fd.drop(index=fd.index[gone]).reset_index(drop=True)


def c_followers_start(ds):
    set_cell(ds.accounts, 0, "followers_start", ds.accounts["followers_start"].iat[0] + 1)


def c_followers_balance(ds):
    row, _ = middle_followers_row(ds)
    set_cell(ds.followers_daily, row, "followers", ds.followers_daily["followers"].iat[row] + 1)


def c_audience_sum(ds):
    set_cell(ds.audience, 0, "followers", ds.audience["followers"].iat[0] + 1)


def c_engaged_le_followers(ds):
    set_cell(ds.audience, 0, "engaged_users", ds.audience["followers"].iat[0] + 1)


def c_spend_le_budget(ds):
    set_cell(ds.campaigns, 0, "spend", ds.campaigns["budget"].iat[0] + 1.0)


def c_clicks_le_impressions(ds):
    set_cell(ds.campaigns, 0, "clicks", ds.campaigns["impressions"].iat[0] + 1)


def c_conversions_le_clicks(ds):
    set_cell(ds.campaigns, 0, "conversions", ds.campaigns["clicks"].iat[0] + 1)


def c_start_le_end(ds):
    set_cell(ds.campaigns, 0, "start_date", ds.campaigns["end_date"].iat[0] + DAY)


def c_ab_arms(ds):
    c = int(np.flatnonzero((ds.campaigns["variant"] == "B").fillna(False).to_numpy())[0])
    set_cell(ds.campaigns, c, "variant", "A")


def c_fx_base(ds):
    base = int(np.flatnonzero((ds.fx_rates["currency"] == ds.fx_rates["base_currency"]).to_numpy())[0])
    set_cell(ds.fx_rates, base, "units_per_base", 2.0)


CORRUPTIONS = {name[2:]: f for name, f in dict(globals()).items() if name.startswith("c_")}


# ---------------------------------------------------------------- tests

def test_every_rule_has_a_corruption_test():
    assert set(CORRUPTIONS) == set(RULES)


def test_every_currency_used_needs_a_rate(tiny_dataset):
    """Money can be pooled only in a world where every currency used has a rate: a missing rate is a broken
    foreign key of each table naming that currency."""
    ds = copy_of(tiny_dataset)
    base = ds.fx_rates["base_currency"].iat[0]
    used = ds.campaigns.loc[ds.campaigns["currency"] != base, "currency"].iat[0]  # the tiny world has a CAD brand
    ds.fx_rates = ds.fx_rates[ds.fx_rates["currency"] != used].reset_index(drop=True)
    violations = validate(ds)
    assert {v.rule for v in violations} == {"foreign_key"}
    assert {v.table for v in violations} == {"brands", "campaigns"}, [str(v) for v in violations]


@pytest.mark.parametrize("rule", sorted(RULES))
def test_each_rule_reports_its_corruption(tiny_dataset, rule):
    ds = copy_of(tiny_dataset)
    CORRUPTIONS[rule](ds)
    violations = validate(ds)
    assert {v.rule for v in violations} == {rule}, [str(v) for v in violations]
    assert all(v.n_rows >= 1 and v.table and v.examples for v in violations if v.rule != "dtype")


def test_clean_worlds_have_no_violations(tiny_datasets):
    for ds in tiny_datasets:
        report = check_dataset(ds)
        assert report.ok, report.format()
        assert report.n_checks > 100


def test_violation_names_table_columns_and_examples(tiny_dataset):
    ds = copy_of(tiny_dataset)
    c_spend_le_budget(ds)
    (v,) = validate(ds)
    assert (v.table, v.columns, v.rule, v.n_rows) == ("campaigns", ("spend", "budget"), "spend_le_budget", 1)
    assert v.examples == (ds.campaigns["campaign_id"].iat[0],)


@pytest.mark.parametrize("format", ["csv", "parquet"])
def test_saved_folder_is_valid(tiny_dataset, tmp_path, format):
    tiny_dataset.save(tmp_path / "ds", format=format)
    report = validate_dir(tmp_path / "ds")
    assert report.ok, report.format()


def test_partitioned_parquet_folder(tiny_dataset, tmp_path):
    out = tiny_dataset.save(tmp_path / "ds", format="parquet")
    posts = pd.read_parquet(out / "posts.parquet")
    (out / "posts.parquet").unlink()
    (out / "posts").mkdir()
    half = len(posts) // 2
    posts.iloc[:half].to_parquet(out / "posts" / "part-00000.parquet")
    posts.iloc[half:].to_parquet(out / "posts" / "part-00001.parquet")
    assert validate_dir(out).ok
    bad = posts.iloc[half:].copy()
    bad.iloc[0, bad.columns.get_loc("reach")] = bad["impressions"].iat[0] + 1
    bad.to_parquet(out / "posts" / "part-00001.parquet")
    assert "reach_le_impressions" in {v.rule for v in validate_dir(out).violations}


@pytest.mark.parametrize("table, column, text", [
    ("influencers", "followers", "1.2K"),
    ("influencers", "followers", "12.5"),
    ("influencers", "rate_per_post", "n/a"),
    ("campaigns", "end_date", "2025-01-05T10:00:00"),
    ("comments", "created_at", "yesterday"),
    ("posts", "is_boosted", "yes"),
])
def test_csv_text_of_the_wrong_type(tiny_dataset, tmp_path, table, column, text):
    out = tiny_dataset.save(tmp_path / "ds", format="csv")
    df = pd.read_csv(out / f"{table}.csv", dtype="str", keep_default_na=False)
    df.loc[1, column] = text
    df.to_csv(out / f"{table}.csv", index=False)
    (v,) = validate_dir(out).violations
    assert (v.table, v.columns, v.rule, v.n_rows) == (table, (column,), "dtype", 1)
    assert v.examples == (df.iloc[1, 0],)


def test_csv_missing_file_is_missing_table(tiny_dataset, tmp_path):
    out = tiny_dataset.save(tmp_path / "ds", format="csv")
    (out / "comments.csv").unlink()
    assert {v.rule for v in validate_dir(out).violations} == {"missing_table"}


def test_cli_ok(tiny_dataset, tmp_path, capsys):
    out = tiny_dataset.save(tmp_path / "ds")
    assert main(["validate", str(out)]) == 0
    assert capsys.readouterr().out.startswith("OK: ")


def test_cli_lists_violations_and_exits_1(tiny_dataset, tmp_path, capsys):
    ds = copy_of(tiny_dataset)
    c_conversions_le_clicks(ds)
    out = ds.save(tmp_path / "ds")
    assert main(["validate", str(out)]) == 1
    text = capsys.readouterr().out
    assert "conversions_le_clicks" in text and "campaigns" in text and ds.campaigns["campaign_id"].iat[0] in text


@pytest.mark.parametrize("make", ["missing", "empty", "file"])
def test_cli_not_a_dataset_exits_2(tmp_path, capsys, make):
    target = tmp_path / "nothing"
    if make == "empty":
        target.mkdir()
    elif make == "file":
        target.write_text("x")
    assert main(["validate", str(target)]) == 2
    err = capsys.readouterr().err
    assert "not a" in err and str(target) in err


def test_committed_default_dataset_is_valid():
    from sandbox.loading import repo_default_dir

    report = validate_dir(repo_default_dir())
    assert report.ok, report.format()


def _imports(path):
    """Modules of the sandbox package that ``path`` imports, at the top or inside functions."""
    import ast

    here = path.relative_to(SANDBOX.parent).with_suffix("").parts
    package = here if path.name == "__init__.py" else here[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = ".".join(package[: len(package) - node.level + 1] + ((node.module,) if node.module else ()))
            found |= {f"{base}.{a.name}" for a in node.names} | {base}
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            found |= {node.module} if isinstance(node, ast.ImportFrom) else {a.name for a in node.names}
    return {name for name in found if name.startswith("sandbox")}


def test_the_validator_modules_import_no_circle():
    """validate, its checks, its report and the dirty checks never import each other back (issue 25)."""
    modules = {".".join(p.relative_to(SANDBOX.parent).with_suffix("").parts): p for p in SANDBOX.glob("validate*.py")}
    graph = {name: _imports(path) & set(modules) for name, path in modules.items()}

    def reaches(start, target, seen=()):
        return any(n == target or (n not in seen and reaches(n, target, (*seen, n))) for n in graph[start])

    assert len(modules) >= 4
    assert not [name for name in modules if reaches(name, name)], graph
