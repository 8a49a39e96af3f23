"""Dirty exports: platform-like damage, an exact and complete log, validation by kind, exact recovery."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sandbox
from sandbox.cleaning import date_order, read_export
from sandbox.cli import main
from sandbox.generator.dirty import EXPORT_TABLES, EXPORTED_AT, KINDS, SPECS, ExportFormat, _as_text
from sandbox.generator.pools import LOCALES
from sandbox.reference import clean
from sandbox.validate import validate_dir

ROW_KINDS = ("label_variant", "zero_as_blank", "missing_value", "mixed_timestamp", "mojibake")


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


def test_the_cleaner_recovers_every_cell(saved):
    _, reference, _, out = saved
    _assert_recovered(clean(out), reference)


def test_the_comparison_can_fail(saved, tmp_path):
    """One changed digit in the latest export is one wrong cell after cleaning."""
    _, reference, _, out = saved
    path = out / "posts.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    raw = read_export(path)
    row = int(np.flatnonzero(raw["post_id"].str.match(r"^P\d+$"))[-1])
    line = row + 2  # 0-based index of the line: one description line and the header come first
    assert lines[line].startswith(raw.at[row, "post_id"] + ",")
    copy = tmp_path / "tampered"
    import shutil

    shutil.copytree(out, copy)
    cells = lines[line].split(",")
    cells[0] = cells[0][:-1] + ("1" if cells[0][-1] != "1" else "2")  # another post's id
    lines[line] = ",".join(cells)
    (copy / "posts.csv").write_text("".join(lines), encoding="utf-8")
    with pytest.raises(AssertionError):
        _assert_recovered(clean(copy), reference)


def test_exports_look_like_platform_exports(saved):
    locale, reference, dirty, out = saved
    fmt = ExportFormat.of(locale)
    first = (out / "posts.csv").read_text(encoding="utf-8").splitlines()[0]
    assert not first.startswith("post_id,") and locale in first
    posts = read_export(out / "posts.csv")
    rows = posts[posts["post_id"].str.match(r"^P\d+$")]
    big = rows["impressions"][rows["impressions"].str.len() > 3]
    assert big.str.contains(fmt.thousands, regex=False).all()
    assert rows["engagement_rate"].str.contains("%").mean() > 0.9
    camp = read_export(out / "campaigns.csv")
    camp = camp[camp["campaign_id"].str.match(r"^CP\d+$")]
    # each amount is written with its own brand's currency (a British brand's in pounds)
    currency = camp["campaign_id"].map(reference.campaigns.set_index("campaign_id")["currency"].astype(str))
    symbols = currency.map(lambda c: fmt.currency[c].replace("{amount}", "").strip())
    assert all(symbol in spend for symbol, spend in zip(symbols, camp["spend"])), camp["spend"]
    assert (posts["post_id"] == "post_id").sum() == 1 and (posts["post_id"] == fmt.total).sum() == 1
    # the date order is settled by the file itself, and it is the locale's
    values = pd.concat([rows["posted_at"], rows[EXPORTED_AT]])
    assert date_order(values, fallback="") == fmt.date_order
    # other tables stay clean
    pd.testing.assert_frame_equal(dirty.followers_daily, reference.followers_daily)


def test_rows_exported_twice_keep_the_latest_snapshot(saved):
    _, reference, dirty, out = saved
    assert "latest" in dirty.truth["dirty"]["rules"]["duplicates"]
    raw = read_export(out / "posts.csv")
    rows = raw[raw["post_id"].str.match(r"^P\d+$")]
    twice = rows[rows["post_id"].duplicated(keep=False)]
    assert len(twice) >= 2
    final = reference.posts.set_index("post_id")["impressions"]
    number = twice["impressions"].str.replace(r"\D", "", regex=True).astype(int)
    last = twice.assign(n=number).groupby("post_id")["n"].agg(["first", "last"])
    assert (last["first"] <= last["last"]).all() and (last["first"] < last["last"]).any()
    assert (last["last"] == final.reindex(last.index)).all()


def test_the_dirty_log_is_exact_and_complete(saved):
    """Undo every logged cell change: every row not logged as a stale snapshot is then the clean row."""
    locale, reference, dirty, out = saved
    log = dirty.labels["dirty_log"]
    counted = {k: sum(t["injected"][k] for t in dirty.truth["dirty"]["tables"].values()) for k in KINDS}
    assert log["kind"].value_counts().to_dict() == {k: v for k, v in counted.items() if v}
    assert all(log["kind"].eq(k).any() for k in ROW_KINDS + ("stale_snapshot", "repeated_header", "totals_row"))
    fmt = ExportFormat.of(locale)
    for name in EXPORT_TABLES:
        key = sandbox.dataset.TABLES[name].columns[0].name
        export = read_export(out / f"{name}.csv")
        export.index = np.arange(len(export)) + 3  # file lines: description 1, header 2
        mine = log[log["table"] == name]
        for row in mine[mine["kind"].isin(ROW_KINDS)].itertuples():
            line = int(row.line)
            assert export.at[line, row.column] != row.original
            export.at[line, row.column] = row.original
        structural = mine[mine["kind"].isin(["description_line", "repeated_header", "totals_row"])]
        assert set(export.index[~export[key].str.match(r"^[A-Z]+\d+$")]) == set(structural["line"].astype(int)) - {1}
        stale = set(mine.loc[mine["kind"] == "stale_snapshot", "line"].astype(int))
        data = export[export[key].str.match(r"^[A-Z]+\d+$") & ~export.index.isin(stale)]
        expected = _as_text(reference[name].set_index(key).loc[data[key]].reset_index(),
                            sandbox.dataset.TABLES[name], SPECS[name], fmt)
        got = data.drop(columns=EXPORTED_AT).reset_index(drop=True)
        pd.testing.assert_frame_equal(got, expected.astype(object), check_dtype=False, obj=name)


def test_validate_lists_every_kind_with_counts_and_lines(saved, capsys):
    _, _, dirty, out = saved
    log = dirty.labels["dirty_log"]
    found = {}
    for v in validate_dir(out).violations:
        found[(v.table, v.rule, v.columns)] = v
    for name in EXPORT_TABLES:
        mine = log[log["table"] == name]
        for (kind, column), n in mine[mine["kind"].isin(ROW_KINDS)].groupby(["kind", "column"]).size().items():
            v = found[(name, kind, (column,))]
            assert v.n_rows == n and v.examples[0].startswith("line ")
            assert set(v.examples) <= {f"line {x}" for x in mine.loc[(mine["kind"] == kind)
                                                                   & (mine["column"] == column), "line"]}
        assert found[(name, "description_line", ())].n_rows == 2
        assert found[(name, "repeated_header", ())].n_rows == 1
        assert found[(name, "totals_row", ())].n_rows == 1
        twice = mine["kind"].isin(["duplicate_row", "stale_snapshot"]).sum()
        flagged = sum(found[(name, k, (sandbox.dataset.TABLES[name].columns[0].name,))].n_rows
                      for k in ("duplicate_row", "stale_snapshot") if (name, k, (sandbox.dataset.TABLES[name].columns[0].name,)) in found)
        assert flagged == 2 * twice
    assert main(["validate", str(out)]) == 1
    text = capsys.readouterr().out
    for kind in ROW_KINDS + ("description_line", "repeated_header", "totals_row", "locale_number", "locale_date",
                             "currency_string", "percent_string"):
        assert kind in text


def test_a_clean_dataset_has_no_export_problems(tiny_dataset, tmp_path):
    report = validate_dir(tiny_dataset.save(tmp_path / "clean"))
    assert report.ok, report.format()


def test_parquet_dirty_exports_are_recovered_too(tmp_path):
    out = sandbox.generate(seed=8, scale="tiny", dirty=0.2).save(tmp_path / "p", format="parquet")
    _assert_recovered(clean(out), sandbox.generate(seed=8, scale="tiny"))


@pytest.mark.slow
def test_the_cleaner_recovers_the_default_dirty_world_and_20_seeds(tmp_path, small_world):
    out = sandbox.generate(seed=2, scale="small", dirty=0.1).save(tmp_path / "default", format="csv")
    _assert_recovered(clean(out), small_world(2))
    for seed in range(20):
        locale = LOCALES[seed % len(LOCALES)]
        rate = (0.05, 0.2, 0.5)[seed % 3]
        out = sandbox.generate(seed=seed, scale="tiny", locale=locale, dirty=rate).save(tmp_path / str(seed))
        _assert_recovered(clean(out), sandbox.generate(seed=seed, scale="tiny", locale=locale))


def test_dirty_exports_are_deterministic(tmp_path):
    a = sandbox.generate(seed=9, scale="tiny", locale="es_ES", dirty=0.2).save(tmp_path / "a")
    b = sandbox.generate(seed=9, scale="tiny", locale="es_ES", dirty=0.2).save(tmp_path / "b")
    for name in [*EXPORT_TABLES, "truth/dirty_log"]:
        assert (a / f"{name}.csv").read_bytes() == (b / f"{name}.csv").read_bytes()


def test_notebook_11_export_is_the_worlds_own_dirty_export(tiny_dataset, tmp_path, monkeypatch):
    """ex.export_file writes, into the cache folder, the posts export dirty mode makes of the world with a seed
    drawn from its posts (the same in a course's kernel, which does not see the world's seed, and in the grader);
    the notebook's parsed facts keep exactly the clean posts; a dirty world is refused with the reason."""
    from sandbox.exercises import ex11_dirty_export as ex

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = ex.export_file(tiny_dataset)
    assert path.is_relative_to(tmp_path / "cache") and ex.export_file(tiny_dataset) == path
    from sandbox.generator.dirty import export_of

    frame, _ = export_of(tiny_dataset, "posts", ex.RATE, seed=ex.world_seed(tiny_dataset))
    read = read_export(path)
    assert read.shape == frame.shape and (read.to_numpy() == frame.to_numpy()).all()
    generated = sandbox.generate(seed=0, scale="tiny", dirty=ex.RATE).save(tmp_path / "dirty", format="csv")
    kept = ex.posts(tiny_dataset).set_index("post_id").sort_index()
    want = tiny_dataset.posts.set_index("post_id").sort_index()
    assert kept.index.equals(want.index)
    assert (kept["platform"] == want["platform"].astype(str)).all()
    assert (kept["impressions"] == want["impressions"]).all() and (kept["posted_at"] == want["posted_at"]).all()
    with pytest.raises(ValueError, match="clean world"):
        ex.export_file(sandbox.load_dataset(generated))
