"""The `ordered` assertion: tests and procedures planned, not performed in this encounter."""

from __future__ import annotations

from typing import Any

import pytest


def _statuses(suggester: Any, text: str) -> dict[str, tuple[str, str | None]]:
    result = suggester.suggest(text, max_possible=0)
    return {s.code: (s.status, s.reason) for s in result.suggestions}


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Plan: Recheck BMP in 3 months.", "80048"),
        ("Plan: will order MRI lumbar spine.", "72148"),
        ("Colonoscopy scheduled next month.", "45378"),
        ("Chest X-ray done at outside hospital showed no infiltrate.", "71046"),
    ],
)
def test_planned_or_outside_services_are_ruled_out_as_ordered(
    suggester: Any, text: str, code: str
) -> None:
    assert _statuses(suggester, text).get(code) == ("excluded", "ordered")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Procedures: 12-lead ECG performed and interpreted: sinus rhythm.", "93000"),
        ("Rapid strep test: negative.", "87880"),  # a result: the test was done
    ],
)
def test_performed_services_stay_present(suggester: Any, text: str, code: str) -> None:
    assert _statuses(suggester, text).get(code) == ("suggested", None)


def test_the_reason_for_an_order_stays_present(suggester: Any) -> None:
    result = suggester.suggest("Assessment: low back pain. Will order MRI lumbar spine.")
    by_code = {s.code: s for s in result.suggestions}
    assert by_code["M54.50"].status == "suggested"
    assert by_code["72148"].reason == "ordered"
