"""Word-level synonyms of our own, applied to note words before matching.

ICD-10-CM titles use formal wording ("malignant neoplasm", "renal"); notes say
"cancer" or "kidney". Each note key also stands for the listed code-title keys.
"""

from __future__ import annotations

from coder_assist.text import stem

_RAW: dict[str, tuple[str, ...]] = {
    "cancer": ("malignant", "neoplasm"),
    "carcinoma": ("malignant", "neoplasm"),
    "adenocarcinoma": ("malignant", "neoplasm"),
    "malignancy": ("malignant", "neoplasm"),
    "sarcoma": ("malignant", "neoplasm"),
    "lymphoma": ("malignant", "neoplasm"),
    "metastasis": ("secondary", "malignant", "neoplasm"),
    "metastases": ("secondary", "malignant", "neoplasm"),
    "metastatic": ("secondary", "malignant", "neoplasm"),
    "tumor": ("neoplasm",),
    "tumour": ("neoplasm",),
    "mass": ("neoplasm",),
    "kidney": ("renal",),
    "renal": ("kidney",),
    "lung": ("pulmonary",),
    "pulmonary": ("lung",),
    "liver": ("hepatic",),
    "hepatic": ("liver",),
    "heart": ("cardiac",),
    "cardiac": ("heart",),
    "stomach": ("gastric",),
    "gastric": ("stomach",),
    "brain": ("cerebral",),
    "cerebral": ("brain",),
    "bowel": ("intestine", "intestinal"),
    "intestinal": ("intestine",),
    "distal": ("lower", "end"),
    "proximal": ("upper", "end"),
    "febrile": ("fever",),
    "feverish": ("fever",),
    "hypertensive": ("hypertension",),
    "diabetic": ("diabetes", "mellitus"),
    "diabetes": ("mellitus",),
    "infarct": ("infarction",),
    "infected": ("infection",),
    "painful": ("pain",),
    "ache": ("pain",),
    "aches": ("pain",),
    "sore": ("pain",),
    "vomit": ("vomiting",),
    "vomited": ("vomiting",),
    "coughing": ("cough",),
    "swelling": ("edema",),
    "swollen": ("edema",),
    "breathlessness": ("dyspnea",),
    "short": ("shortness",),
    "thrombus": ("thrombosis",),
    "clot": ("thrombosis",),
    "urinary": ("urine",),
    "anemic": ("anemia",),
    "obese": ("obesity",),
    "pregnant": ("pregnancy",),
    "fractured": ("fracture",),
    "broken": ("fracture",),
    "sprained": ("sprain",),
    "bilateral": ("right", "left"),
    "hiv": ("human", "immunodeficiency", "virus"),
    "gastroesophageal": ("gastro", "esophageal"),
    "x-ray": ("radiograph",),
    "xray": ("radiograph",),
}

KEY_SYNONYMS: dict[str, tuple[str, ...]] = {
    stem(word): tuple(dict.fromkeys(stem(t) for t in targets if stem(t) != stem(word)))
    for word, targets in _RAW.items()
}
