"""The failure taxonomy, re-exported: it lives in ``memobench.results`` (``results.json``
records it, and ``results`` sits below ``scoring``)."""

from ..results import TAXONOMY_LABELS, classify, correctness_key, failure_taxonomy

__all__ = ["TAXONOMY_LABELS", "classify", "correctness_key", "failure_taxonomy"]
