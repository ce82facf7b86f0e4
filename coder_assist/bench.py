"""`make bench`: code-set search latency, suggestion latency and throughput, peak memory.

Figures are printed, not asserted: speed is a property to watch, not a test to pass.
"""

from __future__ import annotations

import multiprocessing as mp
import resource
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from coder_assist.codesets.bench import run_bench as run_codeset_bench
from coder_assist.settings import Settings, get_settings

_SUGGESTER: Any = None


def _one(text: str) -> int:
    return len(_SUGGESTER.suggest(text).suggestions)


def _throughput(texts: Sequence[str], workers: int) -> float:
    started = time.perf_counter()
    if workers == 1:
        for t in texts:
            _one(t)
    else:
        with mp.get_context("fork").Pool(workers) as pool:
            list(pool.imap(_one, texts, chunksize=8))
    return len(texts) / (time.perf_counter() - started)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _notes(data: Path | None) -> list[str]:
    if data is not None and (data / "text_files_en").is_dir():
        return [
            p.read_text(encoding="utf-8") for p in sorted((data / "text_files_en").glob("*.txt"))
        ]
    fixtures = Path("data/fixtures/notes.jsonl")
    import json

    return [
        json.loads(line)["text"]
        for line in fixtures.read_text("utf-8").splitlines()
        if line.strip()
    ]


def run(
    settings: Settings | None = None, data: Path | None = None, printer: Any = print
) -> dict[str, Any]:
    """Run every benchmark and print a table; returns the figures."""
    global _SUGGESTER
    settings = settings or get_settings()
    results: dict[str, Any] = {"codesets": run_codeset_bench(settings, printer=printer)}
    from coder_assist.suggest import Suggester

    started = time.perf_counter()
    _SUGGESTER = Suggester.load(settings)
    load_s = time.perf_counter() - started
    texts = _notes(data)
    words = [len(t.split()) for t in texts]
    for t in texts[:10]:
        _SUGGESTER.suggest(t)  # warm caches
    per_note: list[float] = []
    scoring: list[float] = []
    for t in texts:
        ranked, _ = _SUGGESTER.rank(t)
        t1 = time.perf_counter()
        _SUGGESTER.suggest(t)
        per_note.append((time.perf_counter() - t1) * 1000.0)
        if _SUGGESTER.scorer is not None and ranked:
            cands = [s.candidate for s in ranked]
            X = _SUGGESTER.features(cands, len(t))
            s0 = time.perf_counter()
            _SUGGESTER.scorer.predict_proba(X)
            scoring.append((time.perf_counter() - s0) * 1000.0)
    arr = np.array(per_note)
    results["suggest"] = {
        "notes": len(texts),
        "mean_words": round(float(np.mean(words)), 1),
        "model_version": _SUGGESTER.model_version,
        "load_s": round(load_s, 2),
        "p50_ms": round(float(np.percentile(arr, 50)), 2),
        "p95_ms": round(float(np.percentile(arr, 95)), 2),
        "onnx_scoring_p50_ms": round(float(np.percentile(scoring, 50)), 3) if scoring else None,
        "onnx_scoring_p95_ms": round(float(np.percentile(scoring, 95)), 3) if scoring else None,
        "notes_per_s_1_worker": round(_throughput(texts, 1), 1),
        "notes_per_s_2_workers": round(_throughput(texts, 2), 1),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
    }
    s = results["suggest"]
    printer("suggestion benchmark")
    printer(f"  {'notes (mean words)':<28} {s['notes']} ({s['mean_words']})")
    printer(f"  {'model':<28} {s['model_version']} (load {s['load_s']} s)")
    printer(f"  {'per note p50 / p95':<28} {s['p50_ms']} / {s['p95_ms']} ms")
    if scoring:
        printer(
            f"  {'ONNX scoring p50 / p95':<28} "
            f"{s['onnx_scoring_p50_ms']} / {s['onnx_scoring_p95_ms']} ms"
        )
    printer(f"  {'notes/s, 1 worker':<28} {s['notes_per_s_1_worker']}")
    printer(f"  {'notes/s, 2 workers':<28} {s['notes_per_s_2_workers']}")
    printer(f"  {'peak RSS':<28} {s['peak_rss_mb']} MB")
    return results
