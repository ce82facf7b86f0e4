"""`coder-assist suggest` and `coder-assist evaluate` through the real command line."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from coder_assist.cli.main import app

NOTE = "Assessment:\r\n1. Essential hypertension.\r\n2. Denies chest pain.\r\n"


def test_suggest_text_prints_one_result(runner: CliRunner) -> None:
    res = runner.invoke(app, ["suggest", "--text", NOTE])
    assert res.exit_code == 0, res.output
    body = json.loads(res.stdout)
    assert any(s["code"] == "I10" and s["status"] == "suggested" for s in body["suggestions"])
    for s in body["suggestions"]:
        for ev in s["evidence"]:
            assert NOTE[ev["start"] : ev["end"]] == ev["text"]


def test_suggest_reads_stdin(runner: CliRunner) -> None:
    res = runner.invoke(app, ["suggest"], input="Assessment: Essential hypertension, stable.")
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["suggestions"]


def test_suggest_empty_note_fails_with_a_message(runner: CliRunner) -> None:
    res = runner.invoke(app, ["suggest", "--text", "   "])
    assert res.exit_code == 2
    assert "empty" in res.output.lower()


def test_suggest_jsonl_keeps_order_and_reports_bad_lines(runner: CliRunner, tmp_path: Path) -> None:
    notes = [
        {"id": "a", "text": "Assessment: essential hypertension."},
        {"id": "b", "text": "  "},
        "not json",
        {"id": "d", "text": "Assessment: acute sinusitis. Denies fever."},
    ]
    src = tmp_path / "in.jsonl"
    src.write_text(
        "\n".join(n if isinstance(n, str) else json.dumps(n) for n in notes) + "\n", "utf-8"
    )
    for workers in ("1", "2"):
        out = tmp_path / f"out-{workers}.jsonl"
        res = runner.invoke(
            app, ["suggest", "--input", str(src), "--output", str(out), "--workers", workers]
        )
        assert res.exit_code == 1  # some lines failed
        lines = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
        assert len(lines) == 4
        assert lines[0]["id"] == "a" and lines[0]["suggestions"]
        assert lines[1]["id"] == "b" and "empty" in lines[1]["error"].lower()
        assert "invalid input line" in lines[2]["error"]
        assert lines[3]["id"] == "d" and "model_version" in lines[3]


def test_help_texts(runner: CliRunner) -> None:
    for cmd in (["suggest"], ["evaluate"], ["train"], ["bench"], ["models", "list"]):
        res = runner.invoke(app, [*cmd, "--help"])
        assert res.exit_code == 0
        assert "Usage" in res.output


def test_evaluate_rejects_a_missing_folder(runner: CliRunner, tmp_path: Path) -> None:
    res = runner.invoke(app, ["evaluate", "--data", str(tmp_path / "nope")])
    assert res.exit_code == 2
    assert "not found" in res.output


def test_evaluate_a_coded_notes_file(runner: CliRunner, tmp_path: Path) -> None:
    notes = tmp_path / "notes.jsonl"
    line = {
        "id": "cli-1",
        "specialty": "family medicine",
        "setting": "office",
        "style": "terse",
        "text": "Assessment: acute sinusitis. No fever.",
        "codes": [{"system": "ICD-10-CM", "code": "J01.90"}],
        "ruled_out": ["R50.9"],
    }
    notes.write_text(json.dumps(line) + "\n", encoding="utf-8")
    res = runner.invoke(app, ["evaluate", "--data", str(notes), "--json"])
    assert res.exit_code == 0, res.output
    report = json.loads(res.stdout[res.stdout.index("{") :])["notes.jsonl"]
    # One note, its one diagnosis suggested first and nothing else: every figure is 1.
    assert report["icd"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert report["first_listed_accuracy"] == 1.0 and report["ruled_out_suggested"] == 0
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({**line, "codes": [{"system": "ICD-10-CM", "code": "J01"}]}))
    res = runner.invoke(app, ["evaluate", "--data", str(bad)])
    assert res.exit_code == 2 and "not billable" in res.output
