"""Fitted rankers on synthetic candidate rows, shared by the ranking tests.

Fits are session-scoped: each takes a few seconds, and many tests only read them.
"""

from __future__ import annotations

import pytest
from synthetic_rows import Table, make_table

from coder_assist.ranking.model import GRADIENT_BOOSTING, LOGISTIC, FittedRanker, fit_ranker


@pytest.fixture(scope="session")
def table() -> Table:
    return make_table(n_notes=250, seed=1)


@pytest.fixture(scope="session")
def holdout() -> Table:
    return make_table(n_notes=200, seed=2)


@pytest.fixture(scope="session")
def fitted(table: Table) -> FittedRanker:
    return fit_ranker(table.X, table.y, table.groups, table.feature_names, random_state=0)


@pytest.fixture(scope="session")
def fitted_lr(table: Table) -> FittedRanker:
    return fit_ranker(table.X, table.y, table.groups, table.feature_names, candidates=[LOGISTIC])


@pytest.fixture(scope="session")
def fitted_hgb(table: Table) -> FittedRanker:
    return fit_ranker(
        table.X, table.y, table.groups, table.feature_names, candidates=[GRADIENT_BOOSTING]
    )
