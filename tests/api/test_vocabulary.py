"""`GET /v1/vocabulary` and the static review UI's module files, through the real app.

Expected values are written out here rather than read from `coder_assist.vocabulary`, so
a change there that would break the review UI or other clients shows up as a failure.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from coder_assist.api.app import create_app
from coder_assist.settings import Settings

STATIC = Path(__file__).resolve().parents[2] / "coder_assist" / "api" / "static"


def _client(tmp_path: Path, settings: Settings | None = None) -> TestClient:
    settings = settings or Settings(_env_file=None)  # environment only, not a local .env
    settings = settings.model_copy(
        update={"database_url": f"sqlite:///{tmp_path / 'feedback.db'}", "data_dir": tmp_path}
    )
    return TestClient(create_app(settings))


@pytest.fixture
def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.delenv("CODER_ASSIST_MAX_NOTE_CHARS", raising=False)
    with _client(tmp_path) as c:
        yield c


def test_vocabulary_lists_the_contract_words(client: TestClient) -> None:
    resp = client.get("/v1/vocabulary")
    assert resp.status_code == 200
    body = resp.json()
    assert set(body) == {"assertions", "reasons", "systems", "statuses", "max_note_chars"}

    reasons = [r["id"] for r in body["reasons"]]
    assert {"negated", "family", "historical", "hypothetical", "uncertain", "ordered"} == set(
        reasons
    )
    assert "present" in body["assertions"]
    assert "present" not in reasons  # a present mention is never a reason to rule out
    assert set(reasons) <= set(body["assertions"])
    assert len(reasons) == len(set(reasons))
    # Precedence: a relative's condition is "family" even when it is also historical.
    assert reasons.index("family") < reasons.index("historical")

    assert body["systems"] == ["ICD-10-CM", "CPT", "HCPCS"]
    assert set(body["statuses"]) == {"suggested", "excluded", "possible"}
    assert body["max_note_chars"] == 100_000


def test_every_reason_has_a_description(client: TestClient) -> None:
    described = {r["id"]: r["description"] for r in client.get("/v1/vocabulary").json()["reasons"]}
    assert all(text.strip() for text in described.values())
    assert "negated" in described["negated"]
    assert "family" in described["family"]


def test_limit_follows_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CODER_ASSIST_MAX_NOTE_CHARS", "1234")
    with _client(tmp_path) as c:
        assert c.get("/v1/vocabulary").json()["max_note_chars"] == 1234


def test_limit_follows_the_apps_settings(tmp_path: Path) -> None:
    with _client(tmp_path, Settings(max_note_chars=300)) as c:
        assert c.get("/v1/vocabulary").json()["max_note_chars"] == 300


def test_vocabulary_is_in_the_openapi_schema(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    op = schema["paths"]["/v1/vocabulary"]["get"]
    assert op["tags"] == ["vocabulary"]
    ref = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert ref.endswith("/VocabularyOut")


def test_review_ui_is_served_as_es_modules(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert re.search(r'<script type="module" src="js/main\.js"></script>', page.text)
    modules = sorted(p.name for p in (STATIC / "js").glob("*.js"))
    assert "main.js" in modules
    for name in modules:
        resp = client.get(f"/js/{name}")
        assert resp.status_code == 200, name
        # Browsers refuse a module script served under a non-JavaScript type.
        assert resp.headers["content-type"].split(";")[0] == "text/javascript", name
        for imported in re.findall(r"from '\./([\w.-]+)'", resp.text):
            assert imported in modules, f"{name} imports missing {imported}"
    assert not (STATIC / "app.js").exists(), "the old single-file script is still there"
