"""Planning and writing a dirty world's export files (see :mod:`sandbox.generator.dirty` for what they are).

Each file is planned alone from its own random stream (:func:`file_rng`: table, brand, platform): which rows
go in its older and later export (:class:`FilePlan`) and which cells get damaged. The files of a table are
then written together (:func:`write_files`): every cell formatted at once (:class:`Body`), the damage
applied, and each file's text assembled export by export, with the log of what changed.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._schema import PLATFORMS, TABLES
from .export_style import (BLANK_ZERO, EXPORT_TABLES, PLATFORM_NAMES, PLATFORM_VARIANTS, SPECS, TOOLS, UTC,
                           ExportFormat, export_columns, file_path, newer_order, omitted)

#: Share of the dirty budget each kind of row damage gets (overlap: rows exported twice).
ROW_KINDS = {
    "overlap": 0.3,
    "label_variant": 0.25,
    "zero_as_blank": 0.15,
    "missing_value": 0.1,
    "mojibake": 0.2,
}
METRICS_SETTLE = pd.Timedelta(days=7)  # post and comment metrics stop changing after this


def mojibake(text: str) -> str | None:
    """``text`` encoded as UTF-8 and read as Windows-1252, or None when that is not reversible."""
    try:
        broken = text.encode("utf-8").decode("cp1252")
    except UnicodeDecodeError:
        return None
    return broken if broken != text else None


# --------------------------------------------------------------------------- the world an export is made of

@dataclass(frozen=True)
class ExportWorld:
    """What the exports need besides their table: who owns each row, the brands' clocks, the period."""

    accounts: pd.DataFrame
    brands: pd.DataFrame
    posts: pd.DataFrame
    period_start: pd.Timestamp
    period_end: pd.Timestamp

    @classmethod
    def of(cls, ds) -> "ExportWorld":
        return cls(ds.accounts, ds.brands, ds.posts[["post_id", "account_id"]], pd.Timestamp(ds.meta["period_start"]),
                   pd.Timestamp(ds.meta["period_end"]))

    def owners(self, name: str, clean: pd.DataFrame) -> pd.DataFrame:
        """Per row of ``clean``: the brand and platform whose export holds it, and the account's handle."""
        acc = self.accounts.set_index("account_id")
        if name == "campaigns":
            handle = clean["brand_id"].map(self.brands.set_index("brand_id")["name"])
            return pd.DataFrame({"brand_id": clean["brand_id"].astype(str).to_numpy(),
                                 "platform": clean["platform"].astype(str).to_numpy(), "account": handle.to_numpy()})
        account = clean["account_id"] if name == "posts" else \
            clean["post_id"].map(self.posts.set_index("post_id")["account_id"])
        return pd.DataFrame({"brand_id": account.map(acc["brand_id"]).astype(str).to_numpy(),
                             "platform": account.map(acc["platform"].astype(str)).to_numpy(),
                             "account": account.map(acc["handle"]).to_numpy()})


# --------------------------------------------------------------------------- planning one file

def _seconds(values: pd.Series) -> np.ndarray:
    """Unix seconds of a timestamp (UTC) or day column."""
    if values.dt.tz is not None:
        values = values.dt.tz_localize(None)
    return values.to_numpy().astype("datetime64[s]").astype(np.int64)


def _windows(name: str, df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """When each row's metrics start and stop changing (Unix seconds)."""
    if name == "campaigns":
        return _seconds(df["start_date"]), _seconds(df["end_date"]) + 86400
    start = _seconds(df[SPECS[name].time])
    return start, start + int(METRICS_SETTLE.total_seconds())


@dataclass
class FilePlan:
    """One export file: its rows (positions in the clean table) in each export, and the damage they get."""

    path: str
    brand_id: str
    platform: str
    account: str             # the account's handle (posts, comments) or the brand's name (campaigns)
    clock: str               # the time zone of its times (the brand's, or UTC for X)
    rows_a: np.ndarray       # the older export (empty when the file holds one export)
    rows_b: np.ndarray       # the later export
    growth_a: np.ndarray     # share of each older row's metrics accrued when the older export was made
    exported_a: pd.Timestamp | None  # when the older export was made
    first_b: pd.Timestamp | None     # the first day the later export covers
    damage: list             # (position among the file's data rows, kind, column, choice)

    @property
    def two_exports(self) -> bool:
        return len(self.rows_a) > 0


def _split(start: np.ndarray, end: np.ndarray, rate: float, rng: np.random.Generator):
    """Two overlapping exports of rows in time order: (in older, in later, growth of the older rows, cut times)."""
    n = len(start)
    if n < 2:
        return np.zeros(n, bool), np.ones(n, bool), np.zeros(0), None, None
    cut2 = int(np.sort(start)[int(rng.uniform(0.35, 0.65) * (n - 1))])
    in_a = start <= cut2
    k = int(rng.binomial(n, rate * ROW_KINDS["overlap"]))
    ends_a = np.sort(end[in_a])[::-1]
    cut1 = min(cut2, int(ends_a[min(k, len(ends_a)) - 1])) if k else cut2
    growth = np.sqrt(np.clip((cut2 - start[in_a]) / np.maximum(end[in_a] - start[in_a], 1), 0.0, 1.0))
    return in_a, end >= cut1, growth, pd.Timestamp(cut2, unit="s"), pd.Timestamp(cut1, unit="s")


def _pick_damage(name: str, n_body: int, zero: np.ndarray, fixable: np.ndarray, counts: list, rate: float,
                 rng: np.random.Generator) -> list:
    """The cells of a file's data rows to damage: (row, kind, column, choice), each row at most once."""
    spec = SPECS[name]
    taken = np.zeros(n_body, dtype=bool)
    everyone = np.ones(n_body, dtype=bool)
    damage = []

    def pick(mask, kind):
        pool = np.flatnonzero(mask & ~taken)
        k = min(int(rng.binomial(n_body, rate * ROW_KINDS[kind])), len(pool))
        rows = np.sort(rng.choice(pool, size=k, replace=False)) if k else np.zeros(0, int)
        taken[rows] = True
        return rows

    if spec.labels:
        damage += [(r, "label_variant", spec.labels[rng.integers(len(spec.labels))], int(rng.integers(4)))
                   for r in pick(everyone, "label_variant")]
    if counts:
        for r in pick(zero.any(axis=1), "zero_as_blank"):
            options = np.flatnonzero(zero[r])
            damage.append((r, "zero_as_blank", counts[options[rng.integers(len(options))]], int(rng.integers(2))))
    if spec.derivable:
        damage += [(r, "missing_value", spec.derivable[rng.integers(len(spec.derivable))], 0)
                   for r in pick(everyone, "missing_value")]
    if spec.text:
        damage += [(r, "mojibake", spec.text[0], 0) for r in pick(fixable, "mojibake")]
    return damage


def file_rng(seq: np.random.SeedSequence, table: int, brand_id: str, platform: str) -> np.random.Generator:
    """The random source of one export file, addressed by table, brand and platform within the dirty stream."""
    key = (*seq.spawn_key, table, int(brand_id.lstrip("B")), PLATFORMS.index(platform))
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seq.entropy, spawn_key=key)))


def plan_files(name: str, clean: pd.DataFrame, world: ExportWorld, rate: float, seq: np.random.SeedSequence,
               brands=None) -> list[FilePlan]:
    """The plan of every export file of ``name`` (only ``brands``' files when given), in file name order."""
    spec, table = SPECS[name], TABLES[name]
    owners = world.owners(name, clean)
    start, end = _windows(name, clean)
    counts = [c.name for c in table.columns if c.kind == "int" and c.name in spec.metrics]
    metric_values = clean[counts].to_numpy(dtype=np.int64) if counts else np.zeros((len(clean), 0), np.int64)
    text = clean[spec.text[0]].to_numpy(dtype=object) if spec.text else None
    timezone = world.brands.set_index("brand_id")["timezone"]
    order = np.lexsort((clean[table.columns[0].name].to_numpy(), start))
    plans = []
    for (brand_id, platform), positions in owners.iloc[order].groupby(["brand_id", "platform"], sort=True).indices.items():
        if brands is not None and brand_id not in brands:
            continue
        rows = order[positions]
        rng = file_rng(seq, EXPORT_TABLES.index(name), brand_id, platform)
        in_a, in_b, growth, exported_a, first_b = _split(start[rows], end[rows], rate, rng)
        body = np.r_[rows[in_a], rows[in_b]]
        snapshot = np.r_[growth, np.ones(int(in_b.sum()))]
        shown = np.array([c not in omitted(name, platform) for c in counts], dtype=bool)
        zero = (np.floor(metric_values[body] * snapshot[:, None]) == 0) & shown
        fixable = np.array([text is not None and mojibake(t) is not None for t in (text[body] if spec.text else body)],
                           dtype=bool)
        plans.append(FilePlan(
            path=file_path(name, brand_id, platform), brand_id=brand_id, platform=platform,
            account=str(owners["account"].iat[rows[0]]), clock=UTC if TOOLS[platform].utc else str(timezone[brand_id]),
            rows_a=rows[in_a], rows_b=rows[in_b], growth_a=growth, exported_a=exported_a, first_b=first_b,
            damage=_pick_damage(name, len(body), zero, fixable, counts, rate, rng)))  # counts it shows only
    return plans


# --------------------------------------------------------------------------- writing the files

@dataclass
class Body:
    """The data rows of every planned file, in file order, with the values they show."""

    part: np.ndarray         # which export of the whole table the row belongs to (0, 1, ... over all files)
    values: pd.DataFrame     # the values the row shows (an older export's metrics are an early snapshot)

    @classmethod
    def of(cls, name: str, clean: pd.DataFrame, plans: list[FilePlan]) -> "Body":
        order = []
        for p in plans:  # file order: each file's older export, then its later one
            if p.two_exports:
                order.append((p.rows_a, True, p.growth_a))
            order.append((p.rows_b, False, np.ones(len(p.rows_b))))
        src = np.concatenate([o[0] for o in order]) if order else np.zeros(0, np.int64)
        older = np.concatenate([np.full(len(o[0]), o[1]) for o in order]) if order else np.zeros(0, bool)
        growth = np.concatenate([o[2] for o in order]) if order else np.zeros(0)
        part = np.repeat(np.arange(len(order)), [len(o[0]) for o in order])
        values = clean.iloc[src].reset_index(drop=True)
        for col in SPECS[name].metrics:  # the older export's early snapshot
            v = values[col]
            if col in SPECS[name].money:
                values[col] = np.where(older, np.round(v.to_numpy(float) * growth, 2), v.to_numpy(float))
            elif str(v.dtype) == "Int64":
                early = pd.array(np.floor(v.to_numpy(float, na_value=np.nan) * growth), dtype="Float64").astype("Int64")
                values[col] = v.where(~older, early)
            else:
                values[col] = np.where(older, np.floor(v.to_numpy() * growth).astype(np.int64), v.to_numpy())
        return cls(part, values)


def _texts(name: str, values: pd.DataFrame, platform: np.ndarray, clock: np.ndarray, fmt: ExportFormat) -> dict:
    """Every column of ``values`` as the tools write it (``platform`` and ``clock`` of each row's file)."""
    table, spec = TABLES[name], SPECS[name]
    out = {}
    for col in export_columns(name):
        if spec.rate and col == spec.rate[0]:
            _, num, den = spec.rate
            top = sum(values[c].to_numpy(float) for c in num.split("+"))
            bottom = values[den].to_numpy(float)
            rate = np.divide(top, bottom, out=np.zeros_like(top), where=bottom > 0)
            out[col] = np.where(bottom > 0, fmt.percents(rate), "").astype(object)
            continue
        kind = table.column(col).kind
        s = values[col]
        missing = s.isna().to_numpy()
        text = np.empty(len(s), dtype=object)
        if kind in ("int", "Int64"):
            text[:] = fmt.integers(s.fillna(0).astype(np.int64).to_numpy())
        elif col in spec.money:
            text[:] = fmt.money(s.to_numpy(float), values["currency"].to_numpy(dtype=object))
        elif kind == "float":
            text[:] = fmt.decimals(s.to_numpy(float))
        elif kind == "date":
            text[:] = fmt.days(s)
        elif kind == "timestamp":
            for zone in np.unique(clock):
                here = clock == zone
                ts = s[here]
                text[here] = fmt.utc_times(ts) if zone == UTC else fmt.local_times(ts, zone)
        else:
            text[:] = s.astype(object).astype(str).to_numpy(dtype=object)
            for p in np.unique(platform):
                here = platform == p
                words = fmt.language_of(p)
                if kind == "bool":
                    text[here] = words.booleans(s.to_numpy()[here])
                elif col == "platform":
                    text[here] = s[here].astype(str).map(PLATFORM_NAMES).to_numpy(dtype=object)
                elif col in spec.labels:
                    text[here] = s[here].astype(str).map(fmt.labels(col, p)).to_numpy(dtype=object)
        out[col] = np.where(missing, "", text).astype(object)
    return out


def label_variant(column: str, value: str, label: str, choice: int) -> str:
    """``label`` (the tool's word for ``value``) written another way."""
    options = PLATFORM_VARIANTS[value] if column == "platform" else (label.upper(), label.lower(), " " + label,
                                                                      label + " ")
    options = [o for o in options if o != label]
    return options[choice % len(options)]


def _totals(name: str, body: Body, fmt: ExportFormat, currency: np.ndarray) -> list[dict]:
    """Per export (``body.part``): column -> its totals row's cell (counts and amounts)."""
    spec = SPECS[name]
    starts = np.flatnonzero(np.r_[True, body.part[1:] != body.part[:-1]]) if len(body.part) else np.zeros(0, int)
    out = [{} for _ in starts]
    for col in TABLES[name].columns:
        if col.kind in ("int", "Int64") and col.name != "n_hashtags":
            sums = np.add.reduceat(body.values[col.name].fillna(0).to_numpy(np.int64), starts) if len(starts) else []
            for cells, text in zip(out, fmt.integers(sums)):
                cells[col.name] = text
        elif col.name in spec.money:
            sums = np.add.reduceat(body.values[col.name].to_numpy(float), starts) if len(starts) else []
            for cells, text in zip(out, fmt.money(np.round(sums, 2), currency[starts])):
                cells[col.name] = text
    return out


@dataclass
class ExportFiles:
    """The files of one table's export and their log."""

    files: dict          # path -> text
    log: list            # (table, file, line, id, kind, column, original)
    data_rows: int


def write_files(name: str, clean: pd.DataFrame, plans: list[FilePlan], world: ExportWorld,
                fmt: ExportFormat) -> ExportFiles:
    """Every planned file of ``name`` as text, with the log of what it changed."""
    table = TABLES[name]
    key = table.columns[0].name
    body = Body.of(name, clean, plans)
    sizes = [len(p.rows_a) + len(p.rows_b) for p in plans]
    platform = np.repeat([p.platform for p in plans], sizes).astype(object)
    clock = np.repeat([p.clock for p in plans], sizes).astype(object)
    texts = _texts(name, body.values, platform, clock, fmt)
    ids = body.values[key].astype(str).to_numpy(dtype=object)
    currency = world.brands.set_index("brand_id")["currency"]
    totals = _totals(name, body, fmt, np.repeat([str(currency[p.brand_id]) for p in plans], sizes).astype(object))
    metric_names = list(SPECS[name].metrics)
    metrics = body.values[metric_names].to_numpy(dtype=float, na_value=np.nan)
    count_columns = [c.name for c in table.columns if c.kind in ("int", "Int64")]
    log = []
    files = {}
    offset, part = 0, 0
    for plan, size in zip(plans, sizes):
        lines = _file_lines(name, plan, fmt)
        data_line = np.concatenate(lines["data"])
        for r, kind, col, choice in plan.damage:
            i = offset + r
            original = texts[col][i]
            if kind == "label_variant":
                texts[col][i] = label_variant(col, str(body.values[col].iat[i]), original, choice)
            elif kind == "zero_as_blank":
                texts[col][i] = BLANK_ZERO[choice]
            elif kind == "missing_value":
                texts[col][i] = ""
            else:
                texts[col][i] = mojibake(original)
            log.append((name, plan.path, str(data_line[r]), ids[i], kind, col, original))
        shown = [i for i, c in enumerate(metric_names) if c not in omitted(name, plan.platform)]
        log += _overlap_log(name, plan, ids[offset:offset + size], metrics[offset:offset + size, shown], data_line)
        big = {c: bool((body.values[c].iloc[offset:offset + size].fillna(0) >= 1000).any()) for c in count_columns}
        log += _convention_log(name, plan, lines, fmt, big)
        n_parts = len(_parts(plan))
        files[plan.path] = _file_text(name, plan, {c: t[offset:offset + size] for c, t in texts.items()},
                                      totals[part:part + n_parts], fmt, world)
        offset += size
        part += n_parts
    return ExportFiles(files, log, offset)


def _parts(plan: FilePlan) -> list[tuple[str, int, int]]:
    """The exports of a file: (which, first data row, number of data rows) with which 'older', 'later' or 'only'."""
    n_a, n_b = len(plan.rows_a), len(plan.rows_b)
    return [("older", 0, n_a), ("later", n_a, n_b)] if plan.two_exports else [("only", 0, n_b)]


def _file_lines(name: str, plan: FilePlan, fmt: ExportFormat) -> dict:
    """Line numbers (1 = the file's first line) of each export's description, header, extra rows and data rows."""
    tool = TOOLS[plan.platform]
    lifetime = tool.lifetime_row and name == "posts"
    out = {"description": [], "header": [], "lifetime": [], "totals": [], "data": []}
    line = 1
    for _, _, n in _parts(plan):
        out["description"].append(line)
        out["header"].append(line + 1)
        line += 2
        if lifetime:
            out["lifetime"].append(line)
            line += 1
        if tool.totals_first:
            out["totals"].append(line)
            line += 1
        out["data"].append(np.arange(line, line + n))
        line += n
        if not tool.totals_first:
            out["totals"].append(line)
            line += 1
    return out


def _description(name: str, plan: FilePlan, which: str, fmt: ExportFormat, world: ExportWorld) -> str:
    """The description line above one export's header: tool, account, period, clock, export date."""
    last_day = world.period_end - pd.Timedelta(days=1)
    start = plan.first_b if which == "later" else world.period_start
    end = plan.exported_a if which == "older" else last_day
    exported = plan.exported_a if which == "older" else world.period_end
    words = fmt.language_of(plan.platform)
    return fmt.description(plan.platform, table=name, account=plan.account, start=words.day(start),
                           end=words.day(end), clock=plan.clock, exported=words.day(exported))


def _file_text(name: str, plan: FilePlan, texts: dict, totals: list[dict], fmt: ExportFormat,
               world: ExportWorld) -> str:
    """The file as the tool writes it: each export's description, header(s), totals and data rows."""
    tool = TOOLS[plan.platform]
    columns = export_columns(name, plan.platform)
    buffer = io.StringIO()
    if tool.bom:
        buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=fmt.separator, lineterminator="\n")
    for (which, first, n), sums in zip(_parts(plan), totals):
        order = newer_order(name, plan.platform) if which == "later" else columns
        headers = fmt.headers(name, plan.platform, newer=which == "later")
        writer.writerow([_description(name, plan, which, fmt, world)])
        writer.writerow([headers[c] for c in order])
        if tool.lifetime_row and name == "posts":
            writer.writerow([fmt.lifetime(plan.platform).get(c, "") for c in order])
        total_row = [fmt.total if c == columns[0] else sums.get(c, "") for c in order]
        if tool.totals_first:
            writer.writerow(total_row)
        writer.writerows(zip(*(texts[c][first:first + n] for c in order)))
        if not tool.totals_first:
            writer.writerow(total_row)
    return buffer.getvalue()


def _overlap_log(name: str, plan: FilePlan, ids: np.ndarray, metrics: np.ndarray, data_line: np.ndarray) -> list:
    """One entry per row exported twice, at its older copy's line: a duplicate when no metric changed, else stale."""
    if not plan.two_exports:
        return []
    n_a = len(plan.rows_a)
    later = pd.Series(np.arange(len(plan.rows_b)), index=plan.rows_b)
    twice = np.flatnonzero(np.isin(plan.rows_a, plan.rows_b))
    older, newer = metrics[twice], metrics[n_a + later[plan.rows_a[twice]].to_numpy()]
    same = ((older == newer) | (np.isnan(older) & np.isnan(newer))).all(axis=1)
    return [(name, plan.path, str(data_line[i]), ids[i], "duplicate_row" if s else "stale_snapshot", "", "")
            for i, s in zip(twice, same)]


def _convention_log(name: str, plan: FilePlan, lines: dict, fmt: ExportFormat, big: dict) -> list:
    """The file's structural lines and its file-wide conventions (``big``: count columns with a value of 1,000 or
    more in the file, the only ones a thousands separator shows in)."""
    table, spec = TABLES[name], SPECS[name]
    tool = TOOLS[plan.platform]
    path = plan.path
    out = [(name, path, str(n), "", "description_line", "", "") for n in lines["description"]]
    out += [(name, path, str(n), "", "repeated_header", "", "") for n in lines["header"][1:]]
    out += [(name, path, str(n), "", "lifetime_row", "", "") for n in lines["lifetime"]]
    out += [(name, path, str(n), "", "totals_row", "", "") for n in lines["totals"]]
    whole = ["tool_header"] + (["byte_order_mark"] if tool.bom else []) + \
        (["semicolon_separator"] if fmt.separator == ";" else [])
    if plan.two_exports:
        whole.append("reordered_columns")
        older, newer = fmt.headers(name, plan.platform), fmt.headers(name, plan.platform, newer=True)
        out += [(name, path, "", "*", "renamed_column", c, older[c]) for c in export_columns(name, plan.platform)
                if older[c] != newer[c]]
    out += [(name, path, "", "*", kind, "", "") for kind in whole]
    out += [(name, path, "", "*", "omitted_column", c, "") for c in omitted(name, plan.platform)]
    for col in table.columns:
        if col.name in spec.dropped or col.name in omitted(name, plan.platform):
            continue
        kind = ("currency_string" if col.name in spec.money else "locale_number" if big.get(col.name)
                else "locale_date" if col.kind == "date" else "yes_no" if col.kind == "bool"
                else ("utc_time" if plan.clock == UTC else "local_time") if col.kind == "timestamp"
                else "tool_label" if col.name in spec.labels else None)
        if kind:
            out.append((name, path, "", "*", kind, col.name, ""))
    if spec.rate and spec.rate[0] in export_columns(name, plan.platform):
        out.append((name, path, "", "*", "percent_string", spec.rate[0], ""))
    return out
