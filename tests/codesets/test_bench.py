"""The code-set benchmark reports sane figures and prints its table."""

from __future__ import annotations

from coder_assist.codesets import CodeSets
from coder_assist.codesets.bench import HANDWRITTEN, build_queries, run_bench


def test_query_mix_is_large_deterministic_and_mixed(codesets: CodeSets) -> None:
    queries = build_queries(codesets)
    assert len(queries) >= 200
    assert queries == build_queries(codesets)
    assert set(HANDWRITTEN) <= set(queries)
    assert any(q.replace(".", "").isalnum() and any(ch.isdigit() for ch in q) for q in queries)


def test_run_bench_reports_load_time_and_percentiles() -> None:
    lines: list[str] = []
    result = run_bench(
        queries=["e119", "pnuemonia", "chf", "office visit"], rounds=2, printer=lines.append
    )
    assert result["queries"] == 4 and result["searches"] == 8
    assert 0 < result["search_p50_ms"] <= result["search_p95_ms"] <= result["search_max_ms"]
    assert 0 < result["load_warm_s"] < 30
    assert result["empty_results"] == 0
    assert any("search p95" in line for line in lines)
