"""`POST /v1/suggest` and `/v1/suggest/batch`: contract, offsets and bad input."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from coder_assist.api.app import create_app
from coder_assist.settings import Settings

NOTE = (
    "  Assessment and Plan:\r\n"
    "1. Essential hypertension, stable.\r\n"
    "2. Patient denies chest pain.\r\n"
    "3. Acute sinusitis — café visit, naïve to antibiotics.\r\n"
)


@pytest.fixture(scope="module")
def client(codesets, suggester, tmp_path_factory) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    base: Path = tmp_path_factory.mktemp("suggest-api")
    settings = Settings(
        database_url=f"sqlite:///{base / 'fb.db'}", data_dir=base / "data", max_note_chars=2_000
    )
    app = create_app(settings)
    app.state.codesets = codesets
    app.state.suggester = suggester.with_settings(settings)  # shared model, these limits
    with TestClient(app) as c:
        yield c


def test_suggest_returns_the_contract(client: TestClient) -> None:
    res = client.post("/v1/suggest", json={"text": NOTE, "id": "n-1"})
    assert res.status_code == 200
    body = res.json()
    assert body["id"] == "n-1"
    assert body["model_version"]
    codes = {s["code"]: s for s in body["suggestions"]}
    assert codes["I10"]["status"] == "suggested"
    assert any(s["status"] == "excluded" and s["reason"] == "negated" for s in body["suggestions"])
    ranks = [s["rank"] for s in body["suggestions"]]
    assert ranks == list(range(1, len(ranks) + 1))
    for s in body["suggestions"]:
        assert 0.0 <= s["score"] <= 1.0
        assert s["evidence"]
        for ev in s["evidence"]:
            assert NOTE[ev["start"] : ev["end"]] == ev["text"]
    for ent in body["entities"]:
        assert NOTE[ent["start"] : ent["end"]] == ent["text"]


def test_id_is_generated_when_missing(client: TestClient) -> None:
    res = client.post("/v1/suggest", json={"text": "Essential hypertension."})
    assert res.status_code == 200
    assert res.json()["id"]


@pytest.mark.parametrize("text", ["", "   ", "\r\n\t "])
def test_empty_text_is_422(client: TestClient, text: str) -> None:
    res = client.post("/v1/suggest", json={"text": text})
    assert res.status_code == 422
    assert "empty" in str(res.json()["detail"]).lower()


def test_missing_field_is_422(client: TestClient) -> None:
    assert client.post("/v1/suggest", json={"id": "x"}).status_code == 422


def test_malformed_json_is_422(client: TestClient) -> None:
    res = client.post(
        "/v1/suggest",
        content=b'{"text": "unterminated',
        headers={"content-type": "application/json"},
    )
    assert res.status_code == 422


def test_too_long_note_is_413_and_says_the_limit(client: TestClient) -> None:
    res = client.post("/v1/suggest", json={"text": "cough " * 500})
    assert res.status_code == 413
    assert "2000" in res.json()["detail"]


def test_batch_reports_bad_notes_individually(client: TestClient) -> None:
    res = client.post(
        "/v1/suggest/batch",
        json={
            "notes": [
                {"id": "a", "text": "Essential hypertension."},
                {"id": "b", "text": "   "},
                {"id": "c", "text": "x" * 3000},
                {"id": "d", "text": "Acute sinusitis."},
            ]
        },
    )
    assert res.status_code == 200
    items = res.json()["results"]
    assert [i["id"] for i in items] == ["a", "b", "c", "d"]
    assert items[0]["result"]["suggestions"]
    assert items[1]["error"]["status"] == 422 and items[1]["result"] is None
    assert items[2]["error"]["status"] == 413
    assert items[3]["result"] is not None


def test_batch_over_the_limit_is_rejected(client: TestClient) -> None:
    notes = [{"text": "cough"}] * 101
    res = client.post("/v1/suggest/batch", json={"notes": notes})
    assert res.status_code == 413
    assert "100" in res.json()["detail"]


def test_openapi_documents_suggest(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert "/v1/suggest" in schema["paths"]
    assert "SuggestResult" in schema["components"]["schemas"]


def test_validation_errors_never_echo_the_note(client: TestClient) -> None:
    secret = "Patient Zed Quux has essential hypertension"
    res = client.post("/v1/suggest", json={"txt": secret})
    assert res.status_code == 422
    assert "Quux" not in res.text
    res = client.post("/v1/suggest", json={"text": secret, "id": "x" * 300})
    assert res.status_code == 422
    assert "Quux" not in res.text


def test_possible_codes_follow_the_suggested_ones_up_to_the_asked_number(
    client: TestClient,
) -> None:
    text = "Assessment: acute sinusitis. No fever."
    body = client.post("/v1/suggest", json={"text": text}).json()
    statuses = [s["status"] for s in body["suggestions"]]
    # Suggested first, then possible, then excluded; ranks follow that order.
    assert statuses == sorted(statuses, key=["suggested", "possible", "excluded"].index)
    assert [s["rank"] for s in body["suggestions"]] == list(range(1, len(statuses) + 1))
    assert "possible" in statuses and statuses.count("possible") <= 20
    assert all(s["evidence"] for s in body["suggestions"])
    none = client.post("/v1/suggest", json={"text": text, "max_possible": 0}).json()
    assert "possible" not in [s["status"] for s in none["suggestions"]]
    one = client.post("/v1/suggest", json={"text": text, "max_possible": 1}).json()
    assert [s["status"] for s in one["suggestions"]].count("possible") == 1
    assert client.post("/v1/suggest", json={"text": text, "max_possible": 101}).status_code == 422
    assert client.post("/v1/suggest", json={"text": text, "max_possible": -1}).status_code == 422
