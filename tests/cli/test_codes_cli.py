"""`coder-assist codes ...` through typer's runner: output, JSON, errors, import."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coder_assist.cli.main import app
from coder_assist.codesets import CodeSets
from coder_assist.codesets.codeset import cache_key
from coder_assist.settings import Settings


@pytest.mark.parametrize(
    "args",
    [
        ["codes", "--help"],
        ["codes", "search", "--help"],
        ["codes", "show", "--help"],
        ["codes", "stats", "--help"],
        ["codes", "import", "--help"],
        ["codes", "build-cache", "--help"],
        ["codes", "bench", "--help"],
    ],
)
def test_every_command_has_help(runner: CliRunner, args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_search_prints_a_pick_list(runner: CliRunner) -> None:
    result = runner.invoke(app, ["codes", "search", "pnuemonia", "--limit", "3"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("J18.9") and "Pneumonia, unspecified organism" in lines[0]


def test_search_json_with_system_filter(runner: CliRunner) -> None:
    result = runner.invoke(app, ["codes", "search", "office visit", "--system", "CPT", "--json"])
    assert result.exit_code == 0, result.output
    hits = json.loads(result.output)
    assert hits and all(h["system"] == "CPT" for h in hits)
    assert set(hits[0]) == {"code", "system", "description", "score", "billable"}


def test_search_refuses_an_empty_query(runner: CliRunner) -> None:
    result = runner.invoke(app, ["codes", "search", "   "])
    assert result.exit_code == 2
    assert "empty" in result.output


def test_search_refuses_an_unknown_system_listing_valid_ones(runner: CliRunner) -> None:
    result = runner.invoke(app, ["codes", "search", "asthma", "--system", "icd9"])
    assert result.exit_code == 2
    assert "ICD-10-CM, CPT, HCPCS" in result.output


def test_show_prints_notes_children_and_seventh_characters(runner: CliRunner) -> None:
    result = runner.invoke(app, ["codes", "show", "s72001"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("S72.001  [ICD-10-CM, code, not billable")
    assert "7th characters:" in out and "A  initial encounter for closed fracture" in out
    assert "S72.001A" in out
    assert "Notes from S72 (category):" in out


def test_show_lists_excludes_and_inherited_includes(runner: CliRunner) -> None:
    result = runner.invoke(app, ["codes", "show", "E11.9"])
    assert result.exit_code == 0, result.output
    assert "Excludes1 (never coded together):" in result.output
    assert "Includes: diabetes NOS" in result.output
    assert "Parent: E11  Type 2 diabetes mellitus" in result.output


def test_show_json_has_every_field(runner: CliRunner) -> None:
    result = runner.invoke(app, ["codes", "show", "J1885", "--json"])
    assert result.exit_code == 0, result.output
    detail = json.loads(result.output)
    assert detail["system"] == "HCPCS" and detail["billable"]
    for field in (
        "inclusion_terms",
        "excludes1",
        "excludes2",
        "code_first",
        "seventh_characters",
        "children",
        "parent",
        "own_words",
        "source",
    ):
        assert field in detail


def test_show_unknown_code_fails_with_a_hint(runner: CliRunner) -> None:
    result = runner.invoke(app, ["codes", "show", "Q99.99"])
    assert result.exit_code == 1
    assert "Unknown code 'Q99.99'" in result.output
    assert "codes search" in result.output


def test_stats_json_counts(runner: CliRunner) -> None:
    result = runner.invoke(app, ["codes", "stats", "--json"])
    assert result.exit_code == 0, result.output
    stats = json.loads(result.output)
    assert stats["ICD-10-CM"]["billable"] >= 74_000
    assert stats["CPT"]["total"] > 0 and stats["HCPCS"]["total"] > 0


def test_stats_table(runner: CliRunner) -> None:
    result = runner.invoke(app, ["codes", "stats"])
    assert result.exit_code == 0, result.output
    assert "ICD-10-CM" in result.output and "billable" in result.output


def test_import_stores_the_file_and_the_next_load_uses_it(
    runner: CliRunner, isolated_settings: Settings, tmp_path: Path
) -> None:
    key_before = cache_key(isolated_settings)
    src = tmp_path / "licensed.tsv"
    src.write_text(
        "code\tdescription\n0042T\tBrain blood flow study by CT (test row)\n"
        "0071T\tFocused ultrasound ablation of uterine fibroids (test row)\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["codes", "import", "--system", "cpt", str(src)])
    assert result.exit_code == 0, result.output
    assert "Imported 2 CPT codes" in result.output
    assert cache_key(isolated_settings) != key_before

    shown = runner.invoke(app, ["codes", "show", "0042T", "--json"])  # rebuilds the tmp cache
    assert shown.exit_code == 0, shown.output
    detail = json.loads(shown.output)
    assert detail["description"] == "Brain blood flow study by CT (test row)"
    assert detail["source"] == "imported licensed file" and detail["own_words"] is False
    assert list((isolated_settings.cache_dir).glob("codesets-*.pkl"))

    warm = CodeSets.load(isolated_settings)  # from the cache just written
    assert warm.search("0071t")[0].code == "0071T"
    assert warm.search("uterine fibroid ablation", system="CPT")[0].code == "0071T"

    bad = tmp_path / "bad.csv"
    bad.write_text("code,description\nABCDE,Not a code\n", encoding="utf-8")
    refused = runner.invoke(app, ["codes", "import", "--system", "CPT", str(bad)])
    assert refused.exit_code == 2
    assert "not a valid CPT code" in refused.output
    assert CodeSets.load(isolated_settings).get("0042T") is not None  # earlier import kept


def test_import_refuses_icd10cm(
    runner: CliRunner, isolated_settings: Settings, tmp_path: Path
) -> None:
    src = tmp_path / "icd.csv"
    src.write_text("E11.9,Diabetes\n", encoding="utf-8")
    result = runner.invoke(app, ["codes", "import", "--system", "ICD-10-CM", str(src)])
    assert result.exit_code == 2
    assert "Only CPT and HCPCS" in result.output
    assert not (isolated_settings.data_dir / "codesets").exists()


def test_import_of_a_missing_file_fails(runner: CliRunner, isolated_settings: Settings) -> None:
    result = runner.invoke(app, ["codes", "import", "--system", "CPT", "/no/such/file.csv"])
    assert result.exit_code != 0
    assert "does not exist" in result.output
