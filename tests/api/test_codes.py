"""`/v1/codes` through the real app: search, one code, and every refusal."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


def test_search_returns_typed_code_first(codes_client: TestClient) -> None:
    response = codes_client.get("/v1/codes/search", params={"q": "e119"})
    assert response.status_code == 200
    hits = response.json()
    assert hits[0] == {
        "code": "E11.9",
        "system": "ICD-10-CM",
        "description": "Type 2 diabetes mellitus without complications",
        "score": 1.0,
        "billable": True,
    }


def test_search_understands_abbreviations_and_filters(codes_client: TestClient) -> None:
    hits = codes_client.get("/v1/codes/search", params={"q": "T2DM w/o complications"}).json()
    assert hits[0]["code"] == "E11.9"
    cpt = codes_client.get(
        "/v1/codes/search", params={"q": "flu shot", "system": "cpt", "limit": 3}
    ).json()
    assert len(cpt) == 3 and all(h["system"] == "CPT" for h in cpt)


@pytest.mark.parametrize("q", ["", "   "])
def test_empty_query_is_422_with_a_message(codes_client: TestClient, q: str) -> None:
    response = codes_client.get("/v1/codes/search", params={"q": q})
    assert response.status_code == 422
    assert "empty" in response.json()["detail"]


def test_missing_query_is_422(codes_client: TestClient) -> None:
    assert codes_client.get("/v1/codes/search").status_code == 422


def test_too_long_query_is_422_with_the_limit(codes_client: TestClient) -> None:
    response = codes_client.get("/v1/codes/search", params={"q": "x" * 501})
    assert response.status_code == 422
    assert "limit is 500" in response.json()["detail"]


def test_unknown_system_is_422_listing_valid_ones(codes_client: TestClient) -> None:
    response = codes_client.get("/v1/codes/search", params={"q": "asthma", "system": "snomed"})
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "snomed" in detail and "ICD-10-CM, CPT, HCPCS" in detail


@pytest.mark.parametrize("limit", [0, 101, -3])
def test_limit_out_of_range_is_422(codes_client: TestClient, limit: int) -> None:
    response = codes_client.get("/v1/codes/search", params={"q": "asthma", "limit": limit})
    assert response.status_code == 422


def test_show_returns_all_notes_parent_and_ancestors(codes_client: TestClient) -> None:
    response = codes_client.get("/v1/codes/ICD-10-CM/E11.9")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "E11.9" and body["billable"] and body["kind"] == "code"
    assert body["parent"]["code"] == "E11"
    assert body["excludes1"] and body["own_words"] is False
    assert "CMS" in body["source"]
    inherited = {n["code"]: n for n in body["inherited_notes"]}
    assert "diabetes NOS" in inherited["E11"]["includes"]
    for field in ("includes", "excludes2", "code_first", "use_additional_code", "code_also"):
        assert field in body


def test_show_normalises_system_and_code(codes_client: TestClient) -> None:
    body = codes_client.get("/v1/codes/icd10cm/s72001").json()
    assert body["code"] == "S72.001" and not body["billable"]
    assert body["children"][0]["code"] == "S72.001A"
    assert {"character": "A", "meaning": "initial encounter for closed fracture"} in body[
        "seventh_characters"
    ]


def test_show_cpt_starter_row_is_flagged_as_our_own_words(codes_client: TestClient) -> None:
    body = codes_client.get("/v1/codes/CPT/99213").json()
    assert body["own_words"] is True and body["kind"] == "service"
    assert body["terms"]


def test_unknown_code_is_404_with_a_clear_message(codes_client: TestClient) -> None:
    response = codes_client.get("/v1/codes/ICD-10-CM/Q99.99")
    assert response.status_code == 404
    assert "Unknown ICD-10-CM code 'Q99.99'" in response.json()["detail"]


def test_code_of_another_system_is_404(codes_client: TestClient) -> None:
    assert codes_client.get("/v1/codes/CPT/E11.9").status_code == 404


def test_unknown_system_in_path_is_422_listing_valid_ones(codes_client: TestClient) -> None:
    response = codes_client.get("/v1/codes/ICD-9/250.00")
    assert response.status_code == 422
    assert "ICD-10-CM, CPT, HCPCS" in response.json()["detail"]


def test_openapi_documents_the_response_models(codes_client: TestClient) -> None:
    spec = codes_client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    assert {"CodeHit", "CodeDetail", "CodeRef", "SeventhCharacter"} <= set(schemas)
    search = spec["paths"]["/v1/codes/search"]["get"]
    ok = search["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok["items"]["$ref"].endswith("/CodeHit")
    assert "404" in spec["paths"]["/v1/codes/{system}/{code}"]["get"]["responses"]
