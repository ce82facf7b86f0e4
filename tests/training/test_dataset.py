"""`training.dataset`: what is computed from training notes does not depend on the process."""

from __future__ import annotations

import os
import subprocess
import sys

# Priors over hand-made notes, printed as JSON in key order. Sets of codes iterate in an
# order that changes with PYTHONHASHSEED; the order of the counts breaks ties between
# equally frequent siblings, so it must not.
SCRIPT = """
import json
from coder_assist.training.dataset import TrainingNote, compute_priors
notes = [
    TrainingNote("a", "x", {("ICD-10-CM", c) for c in ("R10.9", "R10.31", "I10", "E11.9")}),
    TrainingNote("b", "y", {("ICD-10-CM", c) for c in ("R10.31", "R10.9", "J45.909")},
                 {("ICD-10-CM", "I10"), ("ICD-10-CM", "E78.5")}, source="feedback"),
]
p = compute_priors(notes, [{}, {}])
print(json.dumps([p.to_dict(), p.codes_by_category()]))
"""


def _priors_under(seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def test_priors_are_the_same_whatever_the_hash_seed() -> None:
    runs = {_priors_under(seed) for seed in ("1", "2", "3")}
    assert len(runs) == 1
    (out,) = runs
    # Hand-checked counts: R10.9 and R10.31 gold twice each, ordered by code on the tie.
    assert '"R10": ["R10.31", "R10.9"]' in out
    assert '"rejected": {"E78.5": 1, "I10": 1}' in out
