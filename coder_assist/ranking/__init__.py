"""Candidate ranker: model selection and calibration, ONNX scoring, registry, reports.

Nothing heavy is imported here: `coder_assist.ranking.registry` is cheap (the CLI and API
use it to list models), while `model` (scikit-learn) and `onnx_scorer` (onnxruntime) are
imported by the modules that need them.
"""
