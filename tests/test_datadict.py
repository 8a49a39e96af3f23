"""The data dictionary (datasets/README.md) is rendered from the schema and cannot drift."""

from __future__ import annotations

import pytest

import sandbox
from sandbox._schema import FORMATS, PLATFORMS, TABLES, TOPICS, TRUTH_TABLES
from sandbox.cli import main
from sandbox.datadict import TRUTH_KEYS, readme_path, render_markdown
from sandbox.generator.dirty import KINDS


def test_committed_readme_matches_the_schema():
    committed = readme_path().read_text()
    assert committed == render_markdown(), "datasets/README.md is stale: run `python -m sandbox.datadict`"


def test_every_table_and_column_is_documented():
    text = render_markdown()
    for table in [*TABLES.values(), *TRUTH_TABLES.values()]:
        assert f"### `{table.name}`" in text
        for col in table.columns:
            assert f"| `{col.name}` |" in text, f"{table.name}.{col.name} missing"
    assert "sandbox.load_dataset()" in text and "sandbox generate --seed 123" in text


def field_names(value):
    """Field names inside a truth.json value; keys that are data (platforms, formats...) are not fields."""
    data_keys = {*PLATFORMS, *FORMATS, *TOPICS, *KINDS}
    if isinstance(value, dict):
        names = set()
        for k, v in value.items():
            if k not in data_keys:
                names.add(k)
            names |= field_names(v)
        return names
    if isinstance(value, list):
        return set().union(*(field_names(v) for v in value)) if value else set()
    return set()


@pytest.fixture(scope="module")
def dirty_truth():
    return sandbox.generate(seed=0, scale="tiny", dirty=0.05).truth


def test_truth_json_keys_are_documented(tiny_dataset, dirty_truth):
    truth = tiny_dataset.truth
    assert set(truth) | set(dirty_truth) == set(TRUTH_KEYS)
    for key, value in dirty_truth.items():
        undocumented = {name for name in field_names(value) if f"`{name}`" not in TRUTH_KEYS[key]}
        assert not undocumented, f"truth.json {key}: fields {sorted(undocumented)} are not in TRUTH_KEYS"


def test_cli_prints_and_writes_the_dictionary(tmp_path, capsys):
    assert main(["describe", "--dictionary"]) == 0
    assert capsys.readouterr().out == render_markdown()
    target = tmp_path / "README.md"
    assert main(["describe", "--dictionary", "--write", str(target)]) == 0
    assert target.read_text() == render_markdown()


def test_cli_write_needs_dictionary(tmp_path, capsys):
    assert main(["describe", str(tmp_path), "--write", str(tmp_path / "x.md")]) == 2
    assert "--write goes with --dictionary" in capsys.readouterr().err
    assert not (tmp_path / "x.md").exists()
