"""Dirty exports: one file per brand and platform in each tool's style, an exact and complete log, validation
kind by kind, exact recovery."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sandbox
from sandbox.cleaning import date_order, parse_times, read_table_exports, split_exports
from sandbox.cli import main
from sandbox.generator.dirty import KINDS, export_files
from sandbox.generator.export_style import (EXPORT_TABLES, SPECS, TOOLS, ExportFormat, export_columns,
                                            newer_order)
from sandbox.generator.pools import LOCALES
from sandbox.reference import clean
from sandbox.validate import validate_dir

ROW_KINDS = ("label_variant", "zero_as_blank", "missing_value", "mojibake")
LINE_KINDS = ("description_line", "repeated_header", "lifetime_row", "totals_row")


@pytest.fixture(scope="module", params=LOCALES)
def saved(request, tmp_path_factory):
    """(locale, clean world, dirty world, saved dirty folder)."""
    locale = request.param
    dirty = sandbox.generate(seed=5, scale="tiny", locale=locale, dirty=0.3)
    out = dirty.save(tmp_path_factory.mktemp(locale) / "dirty", format="csv")
    return locale, sandbox.generate(seed=5, scale="tiny", locale=locale), dirty, out


def _assert_recovered(cleaned, reference):
    for name in sandbox.dataset.TABLES:
        pd.testing.assert_frame_equal(cleaned[name], reference[name], obj=name)


def _files(out, table):
    return sorted((out / "exports" / table).glob("*.csv"))


def test_the_cleaner_recovers_every_cell(saved):
    _, reference, _, out = saved
    _assert_recovered(clean(out), reference)


def test_the_comparison_can_fail(saved, tmp_path):
    """One changed digit in a post id of a later export is one wrong table after cleaning."""
    _, reference, _, out = saved
    copy = tmp_path / "tampered"
    shutil.copytree(out, copy)
    path = _files(copy, "posts")[0]
    text = path.read_text(encoding="utf-8")
    last = [m for m in re.finditer(r"^P(\d+)", text, flags=re.M)][-1]
    text = text[:last.end() - 1] + ("1" if text[last.end() - 1] != "1" else "2") + text[last.end():]
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AssertionError):
        _assert_recovered(clean(copy), reference)


def test_a_dirty_world_has_export_files_instead_of_its_exported_tables(saved):
    _, reference, dirty, out = saved
    assert not any((out / f"{name}.csv").exists() for name in EXPORT_TABLES)
    assert (out / "brands.csv").exists() and (out / "post_daily.csv").exists()
    posts = _files(out, "posts")
    owners = reference.posts["account_id"].map(reference.accounts.set_index("account_id")["brand_id"]) + "_" + \
        reference.posts["platform"].astype(str)
    assert [p.stem for p in posts] == sorted(owners.unique())
    pd.testing.assert_frame_equal(dirty.followers_daily, reference.followers_daily)
    loaded = sandbox.load_dataset(out)
    assert loaded.exports == dirty.exports and len(loaded.posts) == 0


def test_exports_look_like_the_platforms_own(saved):
    """Human headers in the tool's words and the world's language, the locale's separators, a byte-order mark
    on Meta's files, Meta's metric description row, the clock named in the description line only."""
    locale, reference, _, out = saved
    fmt = ExportFormat.of(locale)
    for table in EXPORT_TABLES:
        for path in _files(out, table):
            platform = path.stem.split("_")[1]
            raw = path.read_bytes()
            assert raw.startswith(b"\xef\xbb\xbf") == TOOLS[platform].bom, path
            lines = raw.decode("utf-8-sig").splitlines()
            words = fmt.language_of(platform)
            header = fmt.headers(table, platform)
            assert lines[1].split(fmt.separator)[0] == header[export_columns(table)[0]], path
            assert not any(c in lines[1].split(fmt.separator) for c in export_columns(table) if c != header[c])
            assert f" {fmt.tool_name(platform)} " in f" {lines[0]} " or lines[0].startswith(fmt.tool_name(platform))
            if table == "posts" and TOOLS[platform].lifetime_row:
                assert lines[2].split(fmt.separator)[0] == "" and words.words["lifetime"]["impressions"] in lines[2]
    meta = split_exports((_files(out, "posts")[0]).read_text(encoding="utf-8"), "exports/posts/" +
                         _files(out, "posts")[0].name, "posts", fmt)[0]
    zone = reference.brands.set_index("brand_id").at[_files(out, "posts")[0].stem.split("_")[0], "timezone"]
    assert meta.clock in (zone, "UTC") and meta.clock in meta.description
    assert meta.rows["posted_at"].str.contains(r"[+-]\d{2}:?\d{2}$").sum() == 0 or meta.clock == "UTC"
    exports = read_table_exports(out, "posts", fmt)
    rate = pd.concat([e.rows["engagement_rate"] for e in exports if e.platform != "tiktok"])
    tiktok = [e for e in exports if e.platform == "tiktok"]
    assert tiktok and all("impressions" not in e.columns and "engagement_rate" not in e.columns for e in tiktok)
    assert all("video_views" in e.columns and "reach" in e.columns for e in tiktok)
    assert rate.str.endswith("%").mean() > 0.9 and rate.str.contains(re.escape(fmt.decimal)).mean() > 0.9
    if fmt.separator == ";":
        assert fmt.decimal == ","


def test_times_carry_no_offset_except_xs_utc(saved):
    """No tool mixes ISO and Unix times; only X writes an offset, and it is +0000 (UTC)."""
    locale, _, _, out = saved
    fmt = ExportFormat.of(locale)
    for table in ("posts", "comments"):
        for e in read_table_exports(out, table, fmt):
            times = e.rows[SPECS[table].time]
            if e.platform == "x":
                assert times.str.endswith(" +0000").all() and e.clock == "UTC"
            else:
                plain = times.str.fullmatch(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}:\d{2}")
                marked = times.str.fullmatch(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}:\d{2} ([A-Z]{3,4}|[+-]\d{2})")
                assert (plain | marked).all() and marked.mean() < 0.01, e.file


def test_the_later_export_renames_and_reorders_columns(saved):
    locale, _, _, out = saved
    fmt = ExportFormat.of(locale)
    exports = read_table_exports(out, "posts", fmt)
    twice = [(a, b) for a, b in zip(exports, exports[1:]) if a.file == b.file]
    assert twice
    for older, later in twice:
        p = later.platform
        assert older.columns == export_columns("posts", p) and later.columns == newer_order("posts", p)
        renamed = {c for c in older.columns if fmt.headers("posts", p)[c] != later.header[later.columns.index(c)]}
        assert renamed == {c for c, h in fmt.headers("posts", p, newer=True).items()
                           if h != fmt.headers("posts", p)[c] and c in older.columns}
    assert any(fmt.headers("posts", "instagram")["impressions"] != fmt.headers("posts", "instagram", newer=True)["impressions"]
               for _ in [0])


def test_rows_exported_twice_keep_the_later_snapshot(saved):
    locale, reference, dirty, out = saved
    fmt = ExportFormat.of(locale)
    final = reference.posts.set_index("post_id")["impressions"]
    rows = pd.concat([e.rows.assign(part=e.part) for e in read_table_exports(out, "posts", fmt)])
    rows = rows.dropna(subset=["impressions"])  # TikTok Studio exports no impressions
    twice = rows[rows["post_id"].duplicated(keep=False)]
    assert len(twice) >= 2 and "later" in dirty.truth["dirty"]["rules"]["duplicates"]
    number = twice["impressions"].str.replace(r"\D", "", regex=True).replace("", "0").astype(int)
    first_last = twice.assign(n=number).sort_values("part", kind="stable").groupby("post_id")["n"].agg(["first", "last"])
    assert (first_last["first"] <= first_last["last"]).all() and (first_last["first"] < first_last["last"]).any()
    assert (first_last["last"] == final.reindex(first_last.index)).all()


def test_each_amount_is_written_in_its_brands_currency(saved):
    """A campaign export is one brand's: its money carries that brand's currency (a British brand's in pounds)."""
    locale, reference, _, out = saved
    fmt = ExportFormat.of(locale)
    currency = reference.brands.set_index("brand_id")["currency"].astype(str)
    exports = read_table_exports(out, "campaigns", fmt)
    assert exports
    for e in exports:
        code = currency[Path(e.file).stem.split("_")[0]]
        symbol = fmt.currency[code].replace("{amount}", "").strip() if code in fmt.currency else code
        spend = e.rows["spend"].dropna()
        assert spend.str.contains(symbol, regex=False).all(), (e.file, symbol, spend.head(3).tolist())


def test_the_dirty_log_is_exact_and_complete(saved):
    """Undo every logged cell change: every data row not logged as a stale snapshot then shows the clean row."""
    locale, reference, dirty, out = saved
    log = dirty.labels["dirty_log"]
    counted = {k: sum(t["injected"][k] for t in dirty.truth["dirty"]["tables"].values()) for k in KINDS}
    assert log["kind"].value_counts().to_dict() == {k: v for k, v in counted.items() if v}
    assert all(log["kind"].eq(k).any() for k in ROW_KINDS + LINE_KINDS + ("stale_snapshot", "renamed_column"))
    fmt = ExportFormat.of(locale)
    for table in EXPORT_TABLES:
        key = export_columns(table)[0]
        mine = log[log["table"] == table]
        for e in read_table_exports(out, table, fmt):
            cells = e.cells.copy()
            cells.index = e.lines
            here = mine[mine["file"] == e.file]
            for row in here[here["kind"].isin(ROW_KINDS)].itertuples():
                line = int(row.line)
                if line in cells.index:
                    assert cells.at[line, row.column] != row.original
                    cells.at[line, row.column] = row.original
            other = set(cells.index[~e.is_data])
            assert other == set(here.loc[here["kind"].isin(LINE_KINDS), "line"].astype(int)) & set(cells.index)
            stale = set(here.loc[here["kind"] == "stale_snapshot", "line"].astype(int))
            data = cells[e.is_data & ~cells.index.isin(stale)]
            expected = _clean_texts(reference, table, data[key], e.platform, e.clock, fmt)
            pd.testing.assert_frame_equal(data[e.columns].drop(columns=SPECS[table].rate[0] if SPECS[table].rate else [],
                                                               errors="ignore")
                                          .reset_index(drop=True), expected[[c for c in e.columns if c in expected]],
                                          obj=e.file)


def _clean_texts(reference, table, ids, platform, clock, fmt):
    """The clean rows ``ids`` of ``table`` as the tool writes them."""
    from sandbox.generator.exports import _texts

    rows = reference[table].set_index(export_columns(table)[0]).loc[ids.to_numpy()].reset_index()
    n = len(rows)
    texts = _texts(table, rows, np.full(n, platform, dtype=object), np.full(n, clock, dtype=object), fmt)
    rate = SPECS[table].rate
    return pd.DataFrame({c: t for c, t in texts.items() if not rate or c != rate[0]}, dtype=object)


def test_validate_reports_each_kind_once_matching_the_log(saved, capsys):
    """Per table, each kind once with its count and two example lines; row damage counted cell by cell, rows
    exported twice as pairs split into duplicates and stale snapshots exactly as the log has them."""
    _, _, dirty, out = saved
    log = dirty.labels["dirty_log"]
    report = validate_dir(out)
    found = {(v.table, v.rule): v for v in report.violations}
    assert len(found) == len(report.violations)
    for table in EXPORT_TABLES:
        mine = log[log["table"] == table]
        for kind in ROW_KINDS + LINE_KINDS + ("duplicate_row", "stale_snapshot", "renamed_column", "byte_order_mark",
                                              "semicolon_separator", "reordered_columns"):
            n = int((mine["kind"] == kind).sum())
            v = found.get((table, kind))
            assert (v.n_rows if v else 0) == n, (table, kind)
            if v and kind in ROW_KINDS + LINE_KINDS + ("duplicate_row", "stale_snapshot"):
                assert len(v.examples) == min(2, n)
                where = set(mine.loc[mine["kind"] == kind, "file"].str.rsplit("/", n=1).str[-1] + ":"
                            + mine.loc[mine["kind"] == kind, "line"])
                assert set(v.examples) <= where, (table, kind, v.examples)
        for kind in mine.loc[mine["id"] == "*", "kind"].unique():
            assert (table, kind) in found, (table, kind)
    assert not [v for v in report.violations if not v.in_exports], report.format()
    assert main(["validate", str(out)]) == 1
    text = capsys.readouterr().out
    assert len(text.splitlines()) < 100
    for v in report.violations:  # examples are places in the files, never a description line's text
        assert all(re.match(r"^B\d+_\w+\.csv(:\d+)?(: .+ -> .+)?$", e) for e in v.examples), v


def test_validate_of_a_broken_export_says_which_file(saved, tmp_path):
    _, _, _, out = saved
    copy = tmp_path / "broken"
    shutil.copytree(out, copy)
    path = _files(copy, "comments")[0]
    path.write_text("not an export\nat all;,\n", encoding="utf-8")
    unreadable = [v for v in validate_dir(copy).violations if v.rule == "unreadable_export"]
    assert unreadable and path.name in unreadable[0].examples[0]


def test_a_clean_dataset_has_no_export_problems(tiny_dataset, tmp_path):
    report = validate_dir(tiny_dataset.save(tmp_path / "clean"))
    assert report.ok, report.format()


def test_parquet_worlds_export_csv_files_and_are_recovered_too(tmp_path):
    out = sandbox.generate(seed=8, scale="tiny", dirty=0.2).save(tmp_path / "p", format="parquet")
    assert (out / "brands.parquet").exists() and _files(out, "posts")
    _assert_recovered(clean(out), sandbox.generate(seed=8, scale="tiny"))


@pytest.mark.slow
def test_the_cleaner_recovers_the_default_dirty_world_and_20_seeds_in_three_locales(tmp_path, small_world):
    """A full year (both clock changes: some times fall in the hour that occurs twice) on the default scale in
    each locale, then 20 tiny worlds over the three locales and three rates."""
    marked = 0
    for seed, locale in ((2, "en_US"), (3, "fr_FR"), (4, "es_ES")):
        out = sandbox.generate(seed=seed, scale="small", locale=locale, dirty=0.1).save(tmp_path / locale)
        reference = small_world(seed) if locale == "en_US" else sandbox.generate(seed=seed, scale="small",
                                                                                 locale=locale)
        _assert_recovered(clean(out), reference)
        fmt = ExportFormat.of(locale)
        marked += sum(e.rows[SPECS[t].time].str.contains(r":\d{2} [A-Z+-]").sum()
                      for t in ("posts", "comments") for e in read_table_exports(out, t, fmt))
    assert marked > 0
    for seed in range(20):
        locale = LOCALES[seed % len(LOCALES)]
        rate = (0.05, 0.2, 0.5)[seed % 3]
        out = sandbox.generate(seed=seed, scale="tiny", locale=locale, dirty=rate).save(tmp_path / str(seed))
        _assert_recovered(clean(out), sandbox.generate(seed=seed, scale="tiny", locale=locale))


@pytest.mark.parametrize("zone", ["America/New_York", "Europe/London", "Australia/Sydney", "America/Santiago"])
def test_the_hour_the_clock_goes_back_over_is_told_apart(zone):
    """That hour occurs twice on a local clock: only there the tools add the zone's abbreviation, and the cleaner
    reads both occurrences back exactly."""
    fall_back = {"America/New_York": "2025-11-02 05:00", "Europe/London": "2025-10-26 00:30",
                 "Australia/Sydney": "2025-04-05 15:30", "America/Santiago": "2025-04-06 02:30"}[zone]
    utc = pd.Series(pd.date_range(fall_back, periods=16, freq="11min", tz="UTC")).astype("datetime64[us, UTC]")
    written = pd.Series(ExportFormat.of("en_US").local_times(utc, zone))
    plain = written.str.fullmatch(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}:\d{2}")
    assert plain.any() and (~plain).sum() >= 4
    twice = pd.to_datetime(written.str[:19]).duplicated(keep=False) | (~plain)
    assert (twice == ~plain).all() or (~plain & ~twice).sum() == 0
    pd.testing.assert_series_equal(parse_times(written, "mdy", zone), utc, check_names=False)
    shuffled = written.sample(frac=1, random_state=1)  # the marks, not the order, say which is which
    pd.testing.assert_series_equal(parse_times(shuffled, "mdy", zone), utc[shuffled.index], check_names=False)


def test_dirty_exports_are_deterministic_and_a_brands_files_are_made_alone(tmp_path):
    a = sandbox.generate(seed=9, scale="tiny", locale="es_ES", dirty=0.2)
    b = sandbox.generate(seed=9, scale="tiny", locale="es_ES", dirty=0.2)
    assert a.exports == b.exports
    pa, pb = a.save(tmp_path / "a"), b.save(tmp_path / "b")
    assert (pa / "truth" / "dirty_log.csv").read_bytes() == (pb / "truth" / "dirty_log.csv").read_bytes()
    world = sandbox.generate(seed=9, scale="tiny", locale="es_ES")
    alone = export_files(world, "posts", 0.2, brands=["B0002"]).files
    assert alone and all("/B0002_" in p for p in alone)
    assert alone == {p: t for p, t in a.exports.items() if p.startswith("exports/posts/B0002_")}


@pytest.mark.parametrize("locale", LOCALES)
def test_every_tool_has_a_header_for_every_column_in_every_language(locale):
    """Headers are unique within an export and map back to one column whatever the export's age; labels map
    back to one value."""
    fmt = ExportFormat.of(locale)
    for table in EXPORT_TABLES:
        for platform in TOOLS:
            older, newer = fmt.headers(table, platform), fmt.headers(table, platform, newer=True)
            assert set(older) >= set(export_columns(table)) and set(newer) == set(older)
            for headers in (older, newer):
                labels = [headers[c] for c in export_columns(table)]
                assert len(set(labels)) == len(labels), (table, platform, labels)
            both = {}
            for headers in (older, newer):
                for col, label in headers.items():
                    assert both.setdefault(label, col) == col, (table, platform, label)
    for kind in ("format", "objective"):
        for platform in TOOLS:
            labels = [v.strip().lower().replace(" ", "") for v in fmt.labels(kind, platform).values()]
            assert len(set(labels)) == len(labels), (kind, platform)
    assert date_order(pd.Series(["13/01/2025"]), "") == "dmy"


def test_notebook_11_export_is_the_worlds_own_dirty_export(tiny_dataset, tmp_path, monkeypatch):
    """ex.export_files writes, into the cache folder, the posts files dirty mode makes of the notebook's brand
    with a seed drawn from its posts (the same in a course's kernel, which does not see the world's seed, and in
    the grader); the notebook's parsed facts keep exactly the brand's clean posts; a dirty world is refused."""
    from sandbox.exercises import ex11_dirty_export as ex

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    files = ex.export_files(tiny_dataset)
    assert all(p.is_relative_to(tmp_path / "cache") for p in files.values()) and ex.export_files(tiny_dataset) == files
    made = export_files(tiny_dataset, "posts", ex.RATE, seed=ex.world_seed(tiny_dataset),
                        brands=[ex.brand(tiny_dataset)]).files
    assert {p.split("/")[-1] for p in made} == {p.name for p in files.values()}
    for path in files.values():
        assert path.read_text(encoding="utf-8") == made[f"exports/posts/{path.name}"]
    kept = ex.posts(tiny_dataset).set_index("post_id").sort_index()
    posts = tiny_dataset.posts
    want = posts[posts["account_id"].map(tiny_dataset.accounts.set_index("account_id")["brand_id"])
                 == ex.brand(tiny_dataset)].set_index("post_id").sort_index()
    assert kept.index.equals(want.index)
    assert (kept["platform"] == want["platform"].astype(str)).all() and (kept["format"] == want["format"].astype(str)).all()
    assert (kept["impressions"] == want["impressions"]).all() and (kept["posted_at"] == want["posted_at"]).all()
    generated = sandbox.generate(seed=0, scale="tiny", dirty=ex.RATE).save(tmp_path / "dirty", format="csv")
    with pytest.raises(ValueError, match="clean world"):
        ex.export_files(sandbox.load_dataset(generated))
