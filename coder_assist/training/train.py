"""Training a ranker version end to end: data, features, model, evaluation, registry.

Sources are CodiEsp-layout folders (gold diagnosis lists) and the feedback store (what
coders accepted, added and rejected). A slice of the notes is held back, never trained
on, and used with CodiEsp dev to compare the new model with the active one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from coder_assist.candidates.builder import CandidateBuilder
from coder_assist.codesets import CodeSets
from coder_assist.errors import CoderAssistError, ModelRegistryError
from coder_assist.nlp.pipeline import build_pipeline
from coder_assist.ranking.features import MONOTONIC, feature_names
from coder_assist.ranking.manifest import CODIESP_LICENCE, DataSource
from coder_assist.ranking.model import fit_ranker
from coder_assist.ranking.registry import ModelInfo, Registry
from coder_assist.ranking.reports import write_report
from coder_assist.settings import Settings, get_settings
from coder_assist.suggest import Suggester
from coder_assist.training.codiesp import Document, load_split
from coder_assist.training.corpus import corpus_files, is_codiesp_split, load_corpus
from coder_assist.training.dataset import TrainingNote, build_dataset
from coder_assist.training.evaluate import evaluate

log = logging.getLogger(__name__)

FEEDBACK_REPEAT = 5  # a reviewed note counts this many times against one CodiEsp note
JSONL_REPEAT = 2  # our own US-style notes: fewer than CodiEsp's, and closer to our users


@dataclass
class TrainResult:
    """What a training run produced and how it compares with the active model."""

    info: ModelInfo
    metrics: dict[str, dict[str, float]]
    active_metrics: dict[str, dict[str, float]] | None
    active_version: str | None


def _held_back(note_id: str, fraction: float) -> bool:
    """Deterministic split by id, so reruns hold back the same notes."""
    h = int(hashlib.sha256(note_id.encode()).hexdigest()[:8], 16)
    return (h % 1000) < fraction * 1000


def feedback_notes(settings: Settings, codesets: CodeSets) -> list[TrainingNote]:
    """Training notes from the feedback store (latest review per note, text required)."""
    from coder_assist.feedback.db import connect
    from coder_assist.feedback.store import latest_per_note

    engine = connect(settings.database_url)
    notes = []
    try:
        for fb in latest_per_note(engine, require_text=True):
            systems = frozenset(s for s, _ in (*fb.positives, *fb.negatives)) or frozenset(
                {"ICD-10-CM"}
            )
            notes.append(
                TrainingNote(
                    id=f"feedback:{fb.note_id}",
                    text=fb.note_text or "",
                    positives=set(fb.positives),
                    negatives=set(fb.negatives),
                    source="feedback",
                    repeat=FEEDBACK_REPEAT,
                    systems=systems | {"ICD-10-CM"},
                )
            )
    finally:
        engine.dispose()
    return notes


def jsonl_notes(path: Path, codesets: CodeSets) -> list[TrainingNote]:
    """Coded notes in JSONL (`{"id", "text", "codes": [{"system", "code"}]}`), all systems.

    Read by `training.corpus.load_corpus`, which the evaluation reads them with too. Code
    lists are taken as complete, so every other candidate of the note is a negative.
    """
    return [
        TrainingNote(
            id=f"{path.stem}:{n.id}",
            text=n.text,
            positives=set(n.codes),
            source=path.stem,
            repeat=JSONL_REPEAT,
            systems=frozenset({"ICD-10-CM", "CPT", "HCPCS"}),
        )
        for n in load_corpus(path, codesets)
    ]


def codiesp_notes(docs: list[Document]) -> list[TrainingNote]:
    """CodiEsp documents as training notes (diagnosis lists are complete)."""
    return [TrainingNote(d.id, d.text, {("ICD-10-CM", c) for c in d.codes}) for d in docs]


def _metrics_of(report: dict[str, Any]) -> dict[str, float]:
    return {
        "map": report["map"],
        "f1": report["full_code"]["f1"],
        "precision": report["full_code"]["precision"],
        "recall": report["full_code"]["recall"],
        "f1_category": report["category"]["f1"],
        "candidate_recall": report["candidate_recall"],
        "candidate_recall_category": report["candidate_recall_category"],
        "notes": float(report["notes"]),
    }


def _as_docs(notes: list[TrainingNote]) -> list[Document]:
    return [
        Document(n.id, n.text, sorted(c for s, c in n.positives if s == "ICD-10-CM")) for n in notes
    ]


def train(
    *,
    settings: Settings | None = None,
    plus: list[Path] | None = None,
    from_feedback: bool = False,
    dev: Path | None = None,
    version: str | None = None,
    holdout_fraction: float = 0.1,
    notes_text: str = "",
    progress: bool = True,
) -> TrainResult:
    """Train, evaluate and register a new (not yet promoted) model version."""
    settings = settings or get_settings()
    codesets = CodeSets.load(settings)
    builder = CandidateBuilder(build_pipeline(codesets, settings), codesets)
    notes: list[TrainingNote] = []
    sources: list[Path | DataSource] = []
    licence: list[str] = []
    for source in plus or []:
        if is_codiesp_split(source):
            notes.extend(codiesp_notes(load_split(source)))
            licence.append(CODIESP_LICENCE)
        else:
            coded = corpus_files(source)
            if not all(f.suffix == ".jsonl" for f in coded):
                raise CoderAssistError(
                    f"{source} is neither a CodiEsp split folder, a .jsonl file of coded "
                    "notes, nor a folder of them."
                )
            for file in coded:
                notes.extend(jsonl_notes(file, codesets))
            licence.append(
                f"{source.name}: notes written by the coder-assist project (no real patients)."
            )
        sources.append(source)
    if from_feedback:
        fb = feedback_notes(settings, codesets)
        notes.extend(fb)
        digest = hashlib.sha256(
            json.dumps([(n.id, sorted(n.positives), sorted(n.negatives)) for n in fb]).encode()
        ).hexdigest()
        sources.append(
            DataSource(
                name="feedback",
                path=str(settings.database_url).split("@")[-1],
                sha256=digest,
                files=len(fb),
            )
        )
        licence.append("Coder feedback stored by this installation (site data).")
    if not notes:
        raise CoderAssistError(
            "No training data: pass --plus <CodiEsp split folder> and/or --from-feedback with "
            "stored reviews that include the note text."
        )
    held = [n for n in notes if _held_back(n.id, holdout_fraction)]
    train_notes = (
        [n for n in notes if not _held_back(n.id, holdout_fraction)]
        if len(held) < len(notes)
        else notes
    )
    log.info("training on %d notes, holding back %d", len(train_notes), len(held))
    ds = build_dataset(builder, train_notes, progress=progress)
    if ds.y.sum() == 0 or ds.y.sum() == len(ds.y):
        raise CoderAssistError(
            "Training rows have only one class; add notes with both accepted and other codes."
        )
    fitted = fit_ranker(ds.X, ds.y, ds.groups, feature_names(), n_splits=3, monotonic=MONOTONIC)
    registry = Registry.from_settings(settings)
    try:
        active = registry.active()
    except ModelRegistryError as exc:  # ACTIVE names a missing version: nothing to compare
        log.warning("not comparing with the active model: %s", exc)
        active = None
    eval_sets: dict[str, list[Document]] = {}
    if held:
        eval_sets["holdout"] = _as_docs(held)
    if dev is not None:
        eval_sets["codiesp_dev"] = load_split(dev)
    with registry.stage(version) as staged:
        # Write the version once and evaluate exactly these files: they are what is registered.
        staged.folder.write_ranker(fitted, staged.onnx_metadata)
        staged.folder.write_resources(ds.priors, ds.text_model, ds.learned_terms)
        candidate = Suggester.from_model_folder(
            staged.folder,
            staged.version,
            codesets,
            settings,
            threshold=fitted.threshold_,
            builder=builder,
        )
        active_suggester = None
        if active is not None:
            active.verify()
            active_suggester = Suggester.from_model_folder(
                active.folder,
                active.version,
                codesets,
                settings,
                threshold=active.manifest.threshold,
                builder=builder,
            )
        metrics: dict[str, dict[str, float]] = {}
        active_metrics: dict[str, dict[str, float]] | None = {} if active else None
        for name, docs in eval_sets.items():
            metrics[name] = _metrics_of(evaluate(candidate, docs, progress=progress))
            if active_suggester is not None and active_metrics is not None:
                active_metrics[name] = _metrics_of(
                    evaluate(active_suggester, docs, progress=progress)
                )
        proba = fitted.predict_proba(ds.X)
        chapters = [getattr(codesets.get(c, "ICD-10-CM"), "chapter", None) for c in ds.codes]
        with tempfile.TemporaryDirectory() as tmp_name:
            report_dir = Path(tmp_name) / "train"
            write_report(
                report_dir,
                ds.y,
                np.asarray(proba),
                chapters,
                threshold=fitted.threshold_,
                title="training rows",
            )
            staged.folder.add_report("train", report_dir)
        info = staged.commit(
            fitted,
            metrics=metrics,
            training_data=sources,
            licence=licence,
            notes=notes_text,
            extra={
                "n_training_notes": len(train_notes),
                "n_held_back": len(held),
                "n_rows": len(ds.y),
                "positive_rate": float(ds.y.mean()),
            },
        )
    return TrainResult(info, metrics, active_metrics, active.version if active else None)
