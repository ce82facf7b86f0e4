"""The words the output contract is made of, defined once.

Assertions, exclusion reasons, code systems and statuses are used by the NLP layer
(ConText categories map onto them), the feature rows (one count per assertion), the
response schema and the review UI (which fetches them from `GET /v1/vocabulary`), so
they live here and every other module imports them.
"""

from __future__ import annotations

from typing import Literal, get_args

#: How a mention is asserted in the note. The order is the order of the per-assertion
#: feature columns (`n_negated`, `n_uncertain`, ...).
Assertion = Literal[
    "present", "negated", "uncertain", "historical", "family", "hypothetical", "ordered"
]
ASSERTIONS: tuple[Assertion, ...] = get_args(Assertion)

#: Why a code is ruled out, in precedence order: when ConText sets several modifiers on
#: one mention, a reviewer is shown the first that applies (a relative's condition is
#: "family" even when it is also "historical"). `ordered` applies to tests and procedures
#: only: ordered, planned, scheduled, recommended, declined or done elsewhere, so not a
#: service performed in this encounter.
Reason = Literal["family", "negated", "ordered", "hypothetical", "historical", "uncertain"]
REASONS: tuple[Reason, ...] = get_args(Reason)

#: Code systems served.
SystemName = Literal["ICD-10-CM", "CPT", "HCPCS"]
SYSTEMS: tuple[SystemName, ...] = get_args(SystemName)

#: A code is offered for the claim (`suggested`), shown as ruled out by the note
#: (`excluded`), or one of the next most likely codes a coder can page through when the
#: claim misses something (`possible`).
Status = Literal["suggested", "excluded", "possible"]
STATUSES: tuple[Status, ...] = get_args(Status)

#: What each reason tells a reviewer (the review UI shows it beside a ruled-out code).
REASON_DESCRIPTIONS: dict[str, str] = {
    "family": "family history, not the patient",
    "negated": "negated in the note",
    "ordered": "ordered, planned or done elsewhere, not performed in this encounter",
    "hypothetical": 'hypothetical (e.g. "return if…")',
    "historical": "historical, not current",
    "uncertain": "uncertain (possible / rule out)",
}
