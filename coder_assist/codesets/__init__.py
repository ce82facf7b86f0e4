"""Code-set knowledge base: ICD-10-CM (CMS tabular), CPT and HCPCS starter sets."""

from coder_assist.codesets.codeset import CodeSets
from coder_assist.codesets.model import SYSTEMS, Code, SearchHit, System

__all__ = ["SYSTEMS", "Code", "CodeSets", "SearchHit", "System"]
