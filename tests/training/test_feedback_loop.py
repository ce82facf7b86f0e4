"""The learning loop end to end: feedback in, retrained model out, behaviour changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from coder_assist.api.app import create_app
from coder_assist.ranking.registry import Registry
from coder_assist.settings import Settings
from coder_assist.suggest import Suggester
from coder_assist.training.train import train

FIXTURES = Path(__file__).resolve().parents[2] / "data" / "fixtures" / "notes.jsonl"
SIMILAR = (
    "Assessment and Plan:\n"
    "1. Essential hypertension, blood pressure 150/92 today. Continue lisinopril.\n"
    "2. Type 2 diabetes mellitus without complications. A1c 6.9.\n"
)


def _decisions(fx: dict, codesets) -> list[dict]:  # type: ignore[no-untyped-def, type-arg]
    return [
        {"system": codesets.get(code).system, "code": code, "decision": "accepted"}
        for code in fx["expect"]["suggested"]
    ]


def _score(settings: Settings, codesets, version: str, code: str) -> float:  # type: ignore[no-untyped-def]
    info = Registry.from_settings(settings).get(version)
    s = Suggester.from_model_folder(
        info.folder, version, codesets, settings, threshold=info.manifest.threshold
    )
    ranked, _ = s.rank(SIMILAR)
    return next(x.score for x in ranked if x.candidate.code == code)


@pytest.mark.slow
def test_rejecting_a_code_lowers_its_score_after_retraining(codesets, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'fb.db'}",
        models_dir=tmp_path / "models",
        data_dir=tmp_path / "data",
    )
    app = create_app(settings)
    app.state.codesets = codesets
    fixtures = [
        json.loads(line) for line in FIXTURES.read_text("utf-8").splitlines() if line.strip()
    ]
    with TestClient(app) as client:
        for fx in fixtures:
            res = client.post(
                "/v1/feedback",
                json={
                    "note_id": fx["id"],
                    "note_text": fx["text"],
                    "decisions": _decisions(fx, codesets),
                },
            )
            assert res.status_code == 201, res.text
        before = train(
            settings=settings,
            from_feedback=True,
            holdout_fraction=0.0,
            version="before",
            progress=False,
        )
        # A coder reviews a hypertension note again and rejects I10 there.
        target = next(fx for fx in fixtures if "I10" in fx["expect"]["suggested"])
        decisions = [
            {**d, "decision": "rejected"} if d["code"] == "I10" else d
            for d in _decisions(target, codesets)
        ]
        res = client.post(
            "/v1/feedback",
            json={
                "note_id": target["id"],
                "note_text": target["text"],
                "decisions": decisions,
            },
        )
        assert res.status_code == 201, res.text
        after = train(
            settings=settings,
            from_feedback=True,
            holdout_fraction=0.0,
            version="after",
            progress=False,
        )
    assert before.info.manifest.training_data != after.info.manifest.training_data
    score_before = _score(settings, codesets, "before", "I10")
    score_after = _score(settings, codesets, "after", "I10")
    assert score_after < score_before
