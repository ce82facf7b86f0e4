"""Our US-note corpus (`data/us_corpus/`) is complete, audited and cannot grade itself.

The checks are the ones `coder_assist.training.corpus` reports; here they are
requirements: enough notes, a dev set written apart with its own mix, gold codes that are
real billable codes audited by a second coder, titles rarely copied into the notes, a
first-listed code that often is not the first assessment item, and no near-duplicates
within or across the two parts.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from coder_assist.codesets import CodeSets
from coder_assist.training.corpus import (
    MAX_TITLE_COPY_SHARE,
    CodedNote,
    check_corpus,
    load_notes,
    near_duplicates,
)

CORPUS = Path(__file__).resolve().parents[2] / "data" / "us_corpus"


@pytest.fixture(scope="module")
def parts(codesets: CodeSets) -> dict[str, list[CodedNote]]:
    return {name: load_notes(CORPUS / name, codesets) for name in ("train", "dev")}


@pytest.mark.parametrize(("name", "minimum"), [("train", 250), ("dev", 150)])
def test_each_part_is_large_clean_and_audited(
    parts: dict[str, list[CodedNote]], codesets: CodeSets, name: str, minimum: int
) -> None:
    report = check_corpus(parts[name], codesets)
    assert report["problems"] == []
    assert report["notes"] >= minimum
    assert report["audited"] == report["notes"]
    assert report["title_copy_share"] < MAX_TITLE_COPY_SHARE


def test_dev_has_its_own_broad_mix(parts: dict[str, list[CodedNote]], codesets: CodeSets) -> None:
    report = check_corpus(parts["dev"], codesets)
    assert len(report["specialties"]) >= 12
    for setting in ("office", "ed", "inpatient_hp", "discharge", "telehealth", "procedure"):
        assert report["settings"].get(setting, 0) >= 3, setting
    assert set(report["styles"]) == {"soap", "templated", "dictated", "terse", "copy_forward"}
    assert report["first_listed_not_first_assessment"] >= 0.30
    assert not {n.writer for n in parts["dev"]} & {n.writer for n in parts["train"]}


def test_no_dev_note_is_a_near_duplicate_of_a_training_note(
    parts: dict[str, list[CodedNote]],
) -> None:
    both = parts["train"] + parts["dev"]
    dev_ids = {n.id for n in parts["dev"]}
    crossing = [(a, b, s) for a, b, s in near_duplicates(both) if (a in dev_ids) != (b in dev_ids)]
    assert crossing == []
