"""`/v1/feedback` through the real app: round trips, refusals, durability, PHI safety."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from coder_assist.api.app import create_app
from coder_assist.codesets import CodeSets
from coder_assist.settings import Settings

REPO = Path(__file__).resolve().parents[2]
MARKER = "PHI-MARKER-7731"
NOTE = f"Patient {MARKER} Jane Roe. Assessment: type 2 diabetes, hypertension."
T2DM = NOTE.index("type 2 diabetes")


def _app(url: str, codesets: CodeSets, tmp_path: Path, **settings: Any) -> FastAPI:
    app = create_app(Settings(database_url=url, data_dir=tmp_path / "data", **settings))
    app.state.codesets = codesets  # share the session's code sets instead of reloading
    return app


@pytest.fixture
def pg_url() -> Iterator[str]:
    """PostgreSQL at 127.0.0.1:5432/test in a throw-away schema; skipped when unreachable."""
    psycopg = pytest.importorskip("psycopg")
    schema = f"fb_api_{uuid.uuid4().hex[:12]}"
    for user in ("postgres", "root"):
        conninfo = f"host=127.0.0.1 port=5432 dbname=test user={user} connect_timeout=2"
        try:
            with psycopg.connect(conninfo, autocommit=True) as conn:
                conn.execute(f'CREATE SCHEMA "{schema}"')
            break
        except psycopg.Error:
            continue
    else:
        pytest.skip("PostgreSQL not reachable at 127.0.0.1:5432/test")
    try:
        yield f"postgresql+psycopg://{user}@127.0.0.1:5432/test?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    return tmp_path / "var" / "coder-assist.db"


@pytest.fixture
def client(db_file: Path, codesets: CodeSets, tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(_app(f"sqlite:///{db_file}", codesets, tmp_path)) as c:
        yield c


def _body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "note_id": "enc-1",
        "note_text": NOTE,
        "model_version": "2025.11.1",
        "coder": "alice",
        "decisions": [
            {
                "system": "icd10cm",
                "code": "e119",
                "decision": "accepted",
                "evidence": [{"start": T2DM, "end": T2DM + 15, "text": "type 2 diabetes"}],
            },
            {"system": "ICD-10-CM", "code": "I10", "decision": "accepted"},
            {"system": "ICD-10-CM", "code": "E78.5", "decision": "rejected"},
        ],
    }
    body.update(overrides)
    return body


# ------------------------------------------------------------------ round trip


def test_post_then_get_round_trip(client: TestClient) -> None:
    posted = client.post("/v1/feedback", json=_body())
    assert posted.status_code == 201, posted.text
    record = posted.json()
    assert MARKER not in posted.text  # the note is stored but never sent back
    assert record["note_id"] == "enc-1" and record["note_text_stored"] is True
    assert record["created_at"].endswith(("Z", "+00:00"))
    assert [
        (d["position"], d["system"], d["code"], d["decision"]) for d in record["decisions"]
    ] == [
        (0, "ICD-10-CM", "E11.9", "accepted"),
        (1, "ICD-10-CM", "I10", "accepted"),
        (2, "ICD-10-CM", "E78.5", "rejected"),
    ]
    assert record["decisions"][0]["evidence"] == [
        {"start": T2DM, "end": T2DM + 15, "text": "type 2 diabetes"}
    ]

    got = client.get("/v1/feedback", params={"note_id": "enc-1"})
    assert got.status_code == 200
    page = got.json()
    assert page["total"] == 1 and page["items"] == [record]
    assert client.get(f"/v1/feedback/{record['id']}").json() == record


def test_decision_order_is_preserved(client: TestClient) -> None:
    codes = ["I10", "E78.5", "E11.9", "Z79.4", "J45.909", "N18.3"]
    decisions = [{"system": "ICD-10-CM", "code": c, "decision": "accepted"} for c in codes]
    record = client.post("/v1/feedback", json=_body(decisions=decisions)).json()
    assert [d["code"] for d in record["decisions"]] == codes
    stored = client.get("/v1/feedback", params={"note_id": "enc-1"}).json()["items"][0]
    assert [d["code"] for d in stored["decisions"]] == codes


def test_get_lists_newest_first_with_paging(client: TestClient) -> None:
    ids = []
    for i in range(3):
        body = _body(note_id=f"enc-{i % 2}", note_text=None)
        ids.append(client.post("/v1/feedback", json=body).json()["id"])
    page = client.get("/v1/feedback", params={"limit": 2}).json()
    assert [r["id"] for r in page["items"]] == [ids[2], ids[1]] and page["total"] == 3
    page = client.get("/v1/feedback", params={"limit": 2, "offset": 2}).json()
    assert [r["id"] for r in page["items"]] == [ids[0]]
    by_note = client.get("/v1/feedback", params={"note_id": "enc-0"}).json()
    assert [r["id"] for r in by_note["items"]] == [ids[2], ids[0]]
    assert by_note["items"][0]["note_text_stored"] is False
    assert client.get("/v1/feedback", params={"note_id": "nope"}).json()["items"] == []
    assert client.get("/v1/feedback", params={"limit": 0}).status_code == 422
    assert client.get("/v1/feedback/999999").status_code == 404


def test_openapi_documents_the_feedback_models(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    assert {"FeedbackIn", "DecisionIn", "FeedbackOut", "FeedbackPage", "FeedbackErrorOut"} <= set(
        schemas
    )
    post = spec["paths"]["/v1/feedback"]["post"]
    assert "201" in post["responses"] and "422" in post["responses"]


def test_round_trip_on_postgresql(pg_url: str, codesets: CodeSets, tmp_path: Path) -> None:
    with TestClient(_app(pg_url, codesets, tmp_path)) as c:
        record = c.post("/v1/feedback", json=_body()).json()
        assert [d["code"] for d in record["decisions"]] == ["E11.9", "I10", "E78.5"]
        assert c.get("/v1/feedback", params={"note_id": "enc-1"}).json()["items"] == [record]


# ------------------------------------------------------------------- refusals


def _decision(code: str, decision: str = "accepted", system: str = "ICD-10-CM") -> dict[str, Any]:
    return {"system": system, "code": code, "decision": decision}


BAD_INPUTS: dict[str, tuple[Any, str]] = {
    "unknown code": (
        _body(decisions=[_decision("E11.9"), _decision("I10"), _decision("Z99.999")]),
        "decisions[2]: unknown ICD-10-CM code 'Z99.999'",
    ),
    "invalid decision": (
        _body(decisions=[_decision("E11.9"), _decision("I10", "maybe")]),
        "decisions[1].decision: Input should be 'accepted', 'rejected' or 'added' (code 'I10')",
    ),
    "unknown system": (
        _body(decisions=[_decision("250.00", system="ICD-9-CM")]),
        "decisions[0]: unknown code system 'ICD-9-CM'",
    ),
    "empty decisions": (_body(decisions=[]), "decisions: List should have at least 1 item"),
    "too many decisions": (
        _body(decisions=[_decision("I10")] * 501),
        "decisions: List should have at most 500 items",
    ),
    "missing decisions": (
        {k: v for k, v in _body().items() if k != "decisions"},
        "decisions: decisions is required",
    ),
    "missing note_id": (
        {k: v for k, v in _body().items() if k != "note_id"},
        "note_id: note_id is required",
    ),
    "blank note_id": (_body(note_id="   "), "note_id: note_id is blank"),
    "long note_id": (_body(note_id="x" * 201), "note_id: String should have at most 200"),
    "duplicate code": (
        _body(decisions=[_decision("E11.9"), _decision("e119", "rejected")]),
        "decisions[1]: ICD-10-CM code 'E11.9' already appears at decisions[0]",
    ),
    "misspelt field": (
        _body(decisions=[{"system": "ICD-10-CM", "code": "I10", "decison": "accepted"}]),
        "decisions[0].decison: Extra inputs are not permitted",
    ),
    "evidence past the note": (
        _body(decisions=[{**_decision("I10"), "evidence": [{"start": 5, "end": 10_000}]}]),
        "decisions[0].evidence[0]: end (10000) is past the end of the note",
    ),
    "evidence backwards": (
        _body(decisions=[{**_decision("I10"), "evidence": [{"start": 9, "end": 3}]}]),
        "decisions[0].evidence[0]: end (3) must be greater than start (9)",
    ),
    "evidence text mismatch": (
        _body(
            decisions=[
                {**_decision("I10"), "evidence": [{"start": 0, "end": 7, "text": "Patienx"}]}
            ]
        ),
        "decisions[0].evidence[0]: text is not note[0:7]",
    ),
    "blank note_text": (_body(note_text="  "), "note_text: note_text is empty"),
    "hash mismatch": (_body(note_sha256="0" * 64), "note_sha256 does not match note_text"),
    "body not an object": ([_decision("I10")], "body: Input should be a valid dictionary"),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_is_refused_naming_the_item(
    client: TestClient, case: str, caplog: pytest.LogCaptureFixture
) -> None:
    body, expected = BAD_INPUTS[case]
    with caplog.at_level(logging.DEBUG):
        response = client.post("/v1/feedback", json=body)
    assert response.status_code == 422, response.text
    payload = response.json()
    assert expected in payload["detail"], payload
    assert payload["errors"] and all({"loc", "msg"} == set(e) for e in payload["errors"])
    assert MARKER not in response.text  # the note is never echoed...
    assert MARKER not in caplog.text  # ...nor logged
    assert client.get("/v1/feedback").json()["total"] == 0  # and nothing was stored


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b'{"note_id": "enc-1", "note_text": "' + MARKER.encode() + b'", ', "malformed JSON"),
        (b"", "request body is required"),
        (b"not json at all", "malformed JSON"),
    ],
)
def test_malformed_json_is_refused(client: TestClient, raw: bytes, expected: str) -> None:
    response = client.post(
        "/v1/feedback", content=raw, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert expected in response.json()["detail"]
    assert MARKER not in response.text


def test_note_longer_than_the_service_limit_is_refused(
    db_file: Path, codesets: CodeSets, tmp_path: Path
) -> None:
    with TestClient(_app(f"sqlite:///{db_file}", codesets, tmp_path, max_note_chars=20)) as c:
        response = c.post("/v1/feedback", json=_body())
        assert response.status_code == 422
        assert f"note_text: the note is {len(NOTE)} characters; the limit is 20" in response.text
        assert MARKER not in response.text


def test_unreachable_database_is_503_and_hides_the_password(
    codesets: CodeSets, tmp_path: Path
) -> None:
    url = "postgresql+psycopg://coder:s3cret-pw@127.0.0.1:1/nowhere?connect_timeout=2"
    with TestClient(_app(url, codesets, tmp_path)) as c:
        response = c.post("/v1/feedback", json=_body())
        assert response.status_code == 503
        assert "s3cret-pw" not in response.text and MARKER not in response.text
        # input is still validated first, so a bad request says what is wrong with it
        bad = c.post("/v1/feedback", json=_body(decisions=[]))
        assert bad.status_code == 422


def test_unwritable_sqlite_location_is_503_naming_the_setting(
    codesets: CodeSets, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the database folder should be\n", encoding="utf-8")
    with TestClient(_app(f"sqlite:///{blocker / 'fb.db'}", codesets, tmp_path)) as c:
        response = c.post("/v1/feedback", json=_body())
        assert response.status_code == 503
        assert "CODER_ASSIST_DATABASE_URL" in response.json()["detail"]
        assert MARKER not in response.text


# ---------------------------------------------------------------- durability


def test_feedback_survives_a_restart(db_file: Path, codesets: CodeSets, tmp_path: Path) -> None:
    url = f"sqlite:///{db_file}"
    with TestClient(_app(url, codesets, tmp_path)) as first:
        record = first.post("/v1/feedback", json=_body()).json()
        first.app.state.feedback_db.dispose()  # type: ignore[attr-defined]
    with TestClient(_app(url, codesets, tmp_path)) as second:
        again = second.get("/v1/feedback", params={"note_id": "enc-1"}).json()["items"]
    assert again == [record]


_CRASHING_WRITER = textwrap.dedent(
    """
    import os, signal, sys
    from fastapi.testclient import TestClient
    from coder_assist.api.app import create_app
    from coder_assist.settings import Settings

    app = create_app(Settings(database_url=sys.argv[1]))
    client = TestClient(app)
    body = {"note_id": "crash-1", "note_text": "short note",
            "decisions": [{"system": "ICD-10-CM", "code": "I10", "decision": "accepted"},
                          {"system": "ICD-10-CM", "code": "E11.9", "decision": "added"}]}
    response = client.post("/v1/feedback", json=body)
    print(response.status_code, response.json()["id"], flush=True)
    os.kill(os.getpid(), signal.SIGKILL)  # no shutdown, no dispose, no checkpoint
    """
)


def test_feedback_committed_before_201_survives_a_killed_process(
    db_file: Path, codesets: CodeSets, tmp_path: Path
) -> None:
    url = f"sqlite:///{db_file}"
    proc = subprocess.run(
        [sys.executable, "-c", _CRASHING_WRITER, url],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        check=False,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr[-2000:]
    status, sub_id = proc.stdout.split()
    assert status == "201"
    with TestClient(_app(url, codesets, tmp_path)) as c:
        stored = c.get(f"/v1/feedback/{sub_id}").json()
    assert [(d["code"], d["decision"]) for d in stored["decisions"]] == [
        ("I10", "accepted"),
        ("E11.9", "added"),
    ]
