"""Building (and caching) the spaCy pipeline.

`spacy.blank("en")` plus rule components only: nothing is downloaded. Building the
concept index from the code sets takes seconds, so the finished pipeline is saved with
`nlp.to_disk` under the cache folder and later loaded with `spacy.load`.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import tempfile
from pathlib import Path

import medspacy  # noqa: F401  (registers medspacy_* factories)
import scispacy.abbreviation  # noqa: F401  (registers abbreviation_detector)
import spacy
from spacy.language import Language

import coder_assist.nlp.sentences  # noqa: F401  (registers coder_assist_line_breaks)
from coder_assist.codesets import CodeSets
from coder_assist.codesets.clinical_terms import load_clinical_terms
from coder_assist.codesets.codeset import cache_key
from coder_assist.nlp.abbreviations.component import make_abbreviation_expander  # noqa: F401
from coder_assist.nlp.concepts.component import ConceptMatcher, make_concept_matcher  # noqa: F401
from coder_assist.nlp.concepts.index import ConceptIndex
from coder_assist.nlp.context.assertion import rules_path as context_rules
from coder_assist.nlp.sections.rules import rules_path as section_rules
from coder_assist.settings import Settings, get_settings
from coder_assist.vocabulary import SYSTEMS

log = logging.getLogger(__name__)

PIPELINE_FORMAT = 6


def _package_digest() -> str:
    h = hashlib.sha256()
    for path in (context_rules(), section_rules()):
        h.update(path.read_bytes())
    from importlib import resources

    for data in ("abbreviations.json", "clinical_terms.json"):
        h.update(resources.files("coder_assist.codesets.data").joinpath(data).read_bytes())
    # The index depends on the code that builds it: any change to it invalidates the cache.
    for module in ("index.py", "synonyms.py", "component.py"):
        h.update(resources.files("coder_assist.nlp.concepts").joinpath(module).read_bytes())
    h.update(resources.files("coder_assist").joinpath("text.py").read_bytes())
    return h.hexdigest()[:12]


def make_blank() -> Language:
    """The pipeline without a concept index (component order is the contract)."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("coder_assist_line_breaks")
    nlp.add_pipe("medspacy_sectionizer", config={"rules": str(section_rules())})
    nlp.add_pipe("abbreviation_detector")
    nlp.add_pipe("coder_assist_abbreviations")
    nlp.add_pipe("coder_assist_concepts")
    nlp.add_pipe(
        "medspacy_context",
        config={
            "rules": str(context_rules()),
            "input_span_type": "group",
            "span_group_name": "ca_mentions",
        },
    )
    return nlp


def build_pipeline(codesets: CodeSets, settings: Settings | None = None) -> Language:
    """Return the full pipeline, from the cache when one matches the code sets and rules.

    The pipeline holds nothing model-specific: terms a model learned are passed to the
    concept matcher per call (see `coder_assist.candidates.builder`), so one cached
    pipeline serves every model version and every training fold.
    """
    settings = settings or get_settings()
    path = (
        settings.cache_dir
        / f"pipeline-p{PIPELINE_FORMAT}-{cache_key(settings)}-{_package_digest()}"
    )
    if path.is_dir():
        try:
            return load_pipeline(path)
        except (OSError, ValueError, EOFError) as exc:
            log.warning("Cached pipeline at %s unreadable (%s); rebuilding", path, exc)
    nlp = make_blank()
    index = ConceptIndex.build(
        (c for system in SYSTEMS for c in codesets.codes(system)),
        [
            ("ICD-10-CM", t.code, t.term, "index_term", 1.0)
            for t in load_clinical_terms()
            if codesets.get(t.code, "ICD-10-CM") is not None
        ],
    )
    matcher = nlp.get_pipe("coder_assist_concepts")
    assert isinstance(matcher, ConceptMatcher)
    matcher.set_index(index)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=".pipeline-"))
        nlp.to_disk(tmp)
        if path.exists():
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            tmp.rename(path)
        for old in path.parent.glob("pipeline-*"):
            if old.name != path.name and old.is_dir():  # stale code sets, rules or code
                shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        log.warning("Could not cache pipeline at %s: %s", path, exc)
    return nlp


def load_pipeline(path: Path) -> Language:
    """Load a pipeline saved with `to_disk` (all components and the index)."""
    return spacy.load(path)
