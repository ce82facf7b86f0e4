"""Code-set benchmark: warm `CodeSets.load()` time and search latency percentiles.

The query mix imitates a coder at a pick list: codes typed loosely (`e119`), typos,
abbreviations, lay terms, multi-word descriptions, plus queries derived from the code
sets themselves (deterministically, so two runs measure the same work).
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

from coder_assist.codesets.codeset import CodeSets
from coder_assist.settings import Settings

HANDWRITTEN: tuple[str, ...] = (
    # codes as typed
    "E11.9",
    "e119",
    "s72001a",
    "S06.0X1A",
    "t07xxxa",
    "I10",
    "j189",
    "99213",
    "j1885",
    "Z23",
    "n1830",
    "I48.91",
    "M54.50",
    "E78.5",
    "F32.A",
    "R07.9",
    "99214",
    "G0008",
    # typos
    "pnuemonia",
    "diabetis",
    "hypertenshun",
    "atrial fibrilation",
    "astma",
    "bronchitis acut",
    "cellulitus",
    "gastroenteritis viral",
    "osteoarthritus knee",
    "migrane",
    "anemai",
    "hypothyroidsm",
    "dizzyness",
    "urinary tract infecton",
    "sinusitus",
    "demensia",
    # abbreviations
    "uti",
    "chf",
    "copd",
    "mi",
    "afib",
    "ckd stage 3",
    "T2DM w/o complications",
    "htn",
    "gerd",
    "dvt",
    "pe",
    "cad",
    "uri",
    "dm2",
    "ckd",
    "osa",
    "bph",
    "hld",
    "s/p cabg",
    "copd w/ exacerbation",
    "aki",
    "nstemi",
    "tia",
    "ra",
    # lay terms
    "heart attack",
    "high blood pressure",
    "sugar diabetes",
    "strep throat",
    "flu shot",
    "broken wrist",
    "kidney stone",
    "pink eye",
    "stomach ache",
    "shortness of breath",
    "high cholesterol",
    "stroke",
    "back pain",
    "ear infection",
    "sore throat",
    # multi-word
    "diabetes type 2",
    "office visit established",
    "type 1 diabetes with hyperglycemia",
    "concussion with loss of consciousness",
    "fracture of neck of right femur",
    "chronic kidney disease stage 4",
    "major depressive disorder recurrent moderate",
    "generalized anxiety disorder",
    "acute upper respiratory infection",
    "low back pain",
    "chest pain unspecified",
    "encounter for immunization",
    "pressure ulcer of sacral region stage 3",
    "screening mammogram",
    "influenza vaccine",
    "colonoscopy",
    "venipuncture",
    "electrocardiogram",
)


def build_queries(cs: CodeSets, n: int = 240, seed: int = 7) -> list[str]:
    """Handwritten queries topped up with code- and description-derived ones to `n`."""
    rng = random.Random(seed)
    queries = list(HANDWRITTEN)
    pool = [c for c in cs.codes("ICD-10-CM") if c.billable]
    pool += list(cs.codes("CPT")) + list(cs.codes("HCPCS"))
    while len(queries) < n:
        c = rng.choice(pool)
        words = [w for w in c.description.lower().replace(",", " ").split() if len(w) > 2]
        style = len(queries) % 3
        if style == 0:  # a code typed loosely
            queries.append(c.code.replace(".", "").lower())
        elif style == 1 and words:  # two or three words with a typo in one of them
            picked = words[: rng.randint(2, 3)]
            i = rng.randrange(len(picked))
            w = picked[i]
            if len(w) > 4:
                j = rng.randrange(1, len(w) - 2)
                picked[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]  # swap two letters
            queries.append(" ".join(picked))
        elif words:  # the first words of a description, as if typed in a hurry
            queries.append(" ".join(words[:4]))
    return queries[:n]


def _percentile(sorted_ms: Sequence[float], pct: float) -> float:
    if not sorted_ms:
        return 0.0
    k = min(len(sorted_ms) - 1, max(0, round(pct / 100 * (len(sorted_ms) - 1))))
    return sorted_ms[k]


def run_bench(
    settings: Settings | None = None,
    queries: Sequence[str] | None = None,
    rounds: int = 3,
    echo: bool = True,
    printer: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Measure warm load time and per-query search latency; print a small table.

    The first load builds the cache when needed and is not counted; the reported load
    time is the second, warm one. Each query runs `rounds` times after one warm-up pass,
    and every run counts towards the percentiles. On a busy machine single runs catch
    scheduler stalls, so the p95 of each query's median run is reported as well.
    """
    CodeSets.load(settings)
    started = time.perf_counter()
    cs = CodeSets.load(settings)
    load_s = time.perf_counter() - started
    qs = list(queries) if queries is not None else build_queries(cs)
    for q in qs:  # warm-up: first touches of the index pages are not search latency
        cs.search(q, limit=10)
    times: list[float] = []
    per_query: list[list[float]] = [[] for _ in qs]
    empty = 0
    for _ in range(max(1, rounds)):
        for i, q in enumerate(qs):
            t0 = time.perf_counter()
            hits = cs.search(q, limit=10)
            elapsed = (time.perf_counter() - t0) * 1000.0
            times.append(elapsed)
            per_query[i].append(elapsed)
            empty += not hits
    times.sort()
    medians = sorted(statistics.median(runs) for runs in per_query)
    result: dict[str, Any] = {
        "load_warm_s": round(load_s, 3),
        "queries": len(qs),
        "searches": len(times),
        "search_p50_ms": round(_percentile(times, 50), 3),
        "search_p95_ms": round(_percentile(times, 95), 3),
        "search_p99_ms": round(_percentile(times, 99), 3),
        "search_max_ms": round(times[-1] if times else 0.0, 3),
        "search_p95_ms_median_of_rounds": round(_percentile(medians, 95), 3),
        "empty_results": empty,
    }
    if echo:
        printer("code sets benchmark")
        printer(f"  {'warm CodeSets.load()':<24} {load_s * 1000:>9.1f} ms")
        printer(f"  {'queries x rounds':<24} {len(qs):>5} x {max(1, rounds)}")
        for key in ("search_p50_ms", "search_p95_ms", "search_p99_ms", "search_max_ms"):
            label = "search " + key.split("_")[1]
            printer(f"  {label:<24} {result[key]:>9.2f} ms")
        label = "search p95, per-query median"
        printer(f"  {label:<24} {result['search_p95_ms_median_of_rounds']:>5.2f} ms")
        printer(f"  {'queries with no hits':<24} {empty:>9}")
    return result
