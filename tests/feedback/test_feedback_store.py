"""Store semantics on SQLite and PostgreSQL: validation, atomic writes, trainer reads."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from coder_assist.codesets import CodeSets
from coder_assist.feedback import db, store
from coder_assist.feedback.models import FeedbackDecision, FeedbackSubmission
from coder_assist.feedback.schemas import FeedbackIn, note_digest
from coder_assist.feedback.store import NewDecision, NewSubmission


def _payload(**overrides: object) -> FeedbackIn:
    body: dict[str, object] = {
        "note_id": "n1",
        "decisions": [{"system": "ICD-10-CM", "code": "E11.9", "decision": "accepted"}],
    }
    body.update(overrides)
    return FeedbackIn.model_validate(body)


def _count(engine: Engine, table: type[FeedbackSubmission] | type[FeedbackDecision]) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def _store(engine: Engine, new: NewSubmission, now: datetime | None = None) -> int:
    with db.make_sessionmaker(engine)() as session:
        return store.insert_submission(session, new, now=now).id


def _sub(note_id: str, *decisions: tuple[str, str, str], **kw: object) -> NewSubmission:
    return NewSubmission(
        note_id=note_id,
        decisions=[NewDecision(s, c, d) for s, c, d in decisions],
        **kw,  # type: ignore[arg-type]
    )


# ------------------------------------------------------------------ validation


def test_validation_normalises_systems_and_codes(codesets: CodeSets) -> None:
    cpt = next(codesets.codes("CPT")).code
    new = store.validate_feedback(
        _payload(
            decisions=[
                {"system": "icd10cm", "code": "e119", "decision": "accepted"},
                {"system": "cpt", "code": cpt.lower(), "decision": "added"},
                {"system": "ICD-10-CM", "code": "i10", "decision": "rejected"},
            ]
        ),
        codesets,
    )
    assert [(d.system, d.code, d.decision) for d in new.decisions] == [
        ("ICD-10-CM", "E11.9", "accepted"),
        ("CPT", cpt, "added"),
        ("ICD-10-CM", "I10", "rejected"),
    ]


def test_validation_reports_every_bad_item_by_index(codesets: CodeSets) -> None:
    with pytest.raises(store.FeedbackValidationError) as info:
        store.validate_feedback(
            _payload(
                decisions=[
                    {"system": "ICD-10-CM", "code": "E11.9", "decision": "accepted"},
                    {"system": "ICD9", "code": "250.00", "decision": "accepted"},
                    {"system": "ICD-10-CM", "code": "Z99.999", "decision": "rejected"},
                    {"system": "ICD-10-CM", "code": "e119", "decision": "rejected"},
                ]
            ),
            codesets,
        )
    problems = {p.loc: p.msg for p in info.value.problems}
    assert set(problems) == {"decisions[1]", "decisions[2]", "decisions[3]"}
    assert "unknown code system 'ICD9'" in problems["decisions[1]"]
    assert problems["decisions[2]"] == "unknown ICD-10-CM code 'Z99.999'"
    assert "already appears at decisions[0]" in problems["decisions[3]"]
    assert "decisions[2]: unknown ICD-10-CM code 'Z99.999'" in str(info.value)


def test_validation_refuses_chapter_and_block_headings(codesets: CodeSets) -> None:
    headings = [c for c in codesets.codes("ICD-10-CM") if c.kind in ("chapter", "block")]
    reachable = [h for h in headings if codesets.get(h.code, "ICD-10-CM") is not None]
    for heading in [*headings[:3], *reachable[:1]]:
        body = [{"system": "ICD-10-CM", "code": heading.code, "decision": "added"}]
        with pytest.raises(store.FeedbackValidationError, match=r"^decisions\[0\]: ") as info:
            store.validate_feedback(_payload(decisions=body), codesets)
        assert heading.code in str(info.value)
        if heading in reachable:
            assert "heading, not a code" in str(info.value)


def test_validation_applies_the_note_length_limit(codesets: CodeSets) -> None:
    with pytest.raises(store.FeedbackValidationError, match="note_text: the note is 11 characters"):
        store.validate_feedback(_payload(note_text="x" * 11), codesets, max_note_chars=10)


# ---------------------------------------------------------------- writes


def test_submission_and_ordered_decisions_round_trip(engine: Engine) -> None:
    evidence = [{"start": 0, "end": 4, "text": "T2DM"}]
    new = NewSubmission(
        note_id="n1",
        note_text="T2DM, HTN",
        note_sha256=note_digest("T2DM, HTN"),
        model_version="m-1",
        coder="alice",
        decisions=[
            NewDecision("ICD-10-CM", "I10", "accepted"),
            NewDecision("ICD-10-CM", "E11.9", "accepted", evidence),
            NewDecision("ICD-10-CM", "E78.5", "rejected"),
            NewDecision("ICD-10-CM", "Z79.4", "added"),
        ],
    )
    sub_id = _store(engine, new)
    with Session(engine) as session:
        sub = store.get_submission(session, sub_id)
        assert sub is not None
        assert (sub.note_id, sub.note_text, sub.model_version, sub.coder) == (
            "n1",
            "T2DM, HTN",
            "m-1",
            "alice",
        )
        assert sub.note_sha256 == note_digest("T2DM, HTN")
        assert sub.created_at.tzinfo is not None and sub.created_at.utcoffset() == timedelta(0)
        assert [(d.position, d.code, d.decision) for d in sub.decisions] == [
            (0, "I10", "accepted"),
            (1, "E11.9", "accepted"),
            (2, "E78.5", "rejected"),
            (3, "Z79.4", "added"),
        ]
        assert sub.decisions[1].evidence == evidence
        # no evidence is SQL NULL, not a JSON 'null'
        nulls = session.scalar(
            text("SELECT count(*) FROM feedback_decision WHERE evidence IS NULL")
        )
        assert nulls == 3


def test_a_failing_submission_writes_nothing(engine: Engine) -> None:
    bad = _sub("n1", ("ICD-10-CM", "E11.9", "accepted"), ("ICD-10-CM", "I10", "maybe"))
    with pytest.raises(IntegrityError), db.make_sessionmaker(engine)() as session:
        store.insert_submission(session, bad)
    assert _count(engine, FeedbackSubmission) == 0
    assert _count(engine, FeedbackDecision) == 0
    # the session is usable again after the rollback
    _store(engine, _sub("n1", ("ICD-10-CM", "E11.9", "accepted")))
    assert _count(engine, FeedbackDecision) == 1


def test_deleting_a_submission_cascades_to_its_decisions(engine: Engine) -> None:
    sub_id = _store(engine, _sub("n1", ("ICD-10-CM", "E11.9", "accepted")))
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM feedback_submission WHERE id = :id"), {"id": sub_id})
    assert _count(engine, FeedbackDecision) == 0


def test_listing_is_newest_first_with_paging(engine: Engine) -> None:
    ids = [_store(engine, _sub(f"n{i % 2}", ("ICD-10-CM", "I10", "accepted"))) for i in range(5)]
    with Session(engine) as session:
        rows, total = store.list_submissions(session, limit=2, offset=1)
        assert total == 5 and [r.id for r in rows] == [ids[3], ids[2]]
        rows, total = store.list_submissions(session, note_id="n0")
        assert total == 3 and [r.id for r in rows] == [ids[4], ids[2], ids[0]]


def test_concurrent_writers_lose_nothing(engine: Engine) -> None:
    sessions = db.make_sessionmaker(engine)
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            for i in range(5):
                with sessions() as session:
                    store.insert_submission(
                        session, _sub(f"w{worker}-{i}", ("ICD-10-CM", "I10", "accepted"))
                    )
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert _count(engine, FeedbackSubmission) == 30


# ------------------------------------------------------------- trainer API


def test_latest_per_note_uses_only_the_latest_submission(engine: Engine) -> None:
    text_a = "Type 2 diabetes. Hypertension."
    t0 = datetime(2025, 1, 1, tzinfo=UTC)
    _store(
        engine,
        _sub(
            "a",
            ("ICD-10-CM", "E11.9", "rejected"),
            ("ICD-10-CM", "I10", "accepted"),
            note_text=text_a,
            note_sha256=note_digest(text_a),
            model_version="m1",
        ),
        now=t0,
    )
    _store(
        engine,
        _sub(
            "b",
            ("ICD-10-CM", "J45.909", "accepted"),
            note_text="Asthma.",
            note_sha256=note_digest("Asthma."),
        ),
        now=t0 + timedelta(hours=1),
    )
    # later review of note a: no text sent, same note version
    _store(
        engine,
        _sub(
            "a",
            ("ICD-10-CM", "I10", "accepted"),
            ("ICD-10-CM", "E11.9", "accepted"),
            ("ICD-10-CM", "E78.5", "rejected"),
            ("ICD-10-CM", "Z79.4", "added"),
            note_sha256=note_digest(text_a),
            model_version="m2",
            coder="bob",
        ),
        now=t0 + timedelta(hours=2),
    )

    records = {r.note_id: r for r in store.latest_per_note(engine)}
    assert list(records) == ["b", "a"]  # ordered by latest submission
    a = records["a"]
    assert a.model_version == "m2" and a.coder == "bob"
    assert a.positives == (("ICD-10-CM", "I10"), ("ICD-10-CM", "E11.9"), ("ICD-10-CM", "Z79.4"))
    assert a.negatives == (("ICD-10-CM", "E78.5"),)
    assert a.added == (("ICD-10-CM", "Z79.4"),)
    assert a.note_text == text_a  # taken from the earlier submission with the same hash
    assert [d.position for d in a.decisions] == [0, 1, 2, 3]
    assert records["b"].note_text == "Asthma." and records["b"].negatives == ()


def test_latest_per_note_never_pairs_labels_with_another_note_version(engine: Engine) -> None:
    _store(
        engine,
        _sub(
            "a",
            ("ICD-10-CM", "I10", "accepted"),
            note_text="old text",
            note_sha256=note_digest("old text"),
        ),
    )
    _store(
        engine,
        _sub("a", ("ICD-10-CM", "E11.9", "accepted"), note_sha256=note_digest("edited text")),
    )
    _store(engine, _sub("c", ("ICD-10-CM", "I10", "rejected")))  # never any text
    [a, c] = store.latest_per_note(engine)
    assert a.note_text is None and a.positives == (("ICD-10-CM", "E11.9"),)
    assert c.note_text is None and c.positives == () and c.negatives == (("ICD-10-CM", "I10"),)
    assert list(store.latest_per_note(engine, require_text=True)) == []


def test_since_selects_notes_with_new_feedback(engine: Engine) -> None:
    t0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    _store(engine, _sub("old", ("ICD-10-CM", "I10", "accepted")), now=t0)
    _store(engine, _sub("both", ("ICD-10-CM", "I10", "accepted")), now=t0)
    _store(engine, _sub("both", ("ICD-10-CM", "E11.9", "accepted")), now=t0 + timedelta(days=2))
    since = t0 + timedelta(days=1)
    assert [r.note_id for r in store.latest_per_note(engine, since=since)] == ["both"]
    # a naive datetime means UTC
    naive = since.replace(tzinfo=None)
    assert [r.note_id for r in store.latest_per_note(engine, since=naive)] == ["both"]
    # an aware datetime in another zone is compared as the same instant
    est = since.astimezone(ZoneInfo("America/New_York"))
    assert [r.note_id for r in store.latest_per_note(engine, since=est)] == ["both"]


def test_iter_decisions_yields_the_full_history(engine: Engine) -> None:
    t0 = datetime(2025, 3, 1, tzinfo=UTC)
    _store(
        engine,
        _sub("a", ("ICD-10-CM", "I10", "accepted"), ("ICD-10-CM", "E11.9", "rejected")),
        now=t0,
    )
    _store(engine, _sub("a", ("ICD-10-CM", "E11.9", "accepted")), now=t0 + timedelta(days=1))
    rows = list(store.iter_decisions(engine))
    assert [(r.note_id, r.position, r.code, r.decision) for r in rows] == [
        ("a", 0, "I10", "accepted"),
        ("a", 1, "E11.9", "rejected"),
        ("a", 0, "E11.9", "accepted"),
    ]
    assert all(r.created_at.tzinfo is not None for r in rows)
    later = list(store.iter_decisions(engine, since=t0 + timedelta(hours=1)))
    assert [(r.code, r.decision) for r in later] == [("E11.9", "accepted")]


def test_trainer_api_accepts_a_session_and_leaves_it_intact(engine: Engine) -> None:
    _store(engine, _sub("a", ("ICD-10-CM", "I10", "accepted")))
    with Session(engine) as session:
        held = session.scalars(select(FeedbackSubmission)).one()
        assert [r.note_id for r in store.latest_per_note(session)] == ["a"]
        assert len(list(store.iter_decisions(session))) == 1
        assert held in session  # the caller's objects are not expunged
