"""Hypothesis profiles of the fuzz suite.

``make test`` runs the ``ci`` profile (a few seconds a test). For a longer hunt, by hand:
``CORRIDOR_FUZZ=large .venv/bin/python -m pytest tests/fuzz -p no:randomly``.
"""

from __future__ import annotations

import os
from datetime import timedelta

from hypothesis import HealthCheck, settings

_COMMON = {
    "deadline": timedelta(seconds=20),  # the time bound of one example: no hang
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    "derandomize": True,  # the same examples on every CI run
}
settings.register_profile("ci", max_examples=150, **_COMMON)
settings.register_profile(
    "large", max_examples=2_000, **{**_COMMON, "derandomize": False, "print_blob": True}
)
settings.load_profile(os.environ.get("CORRIDOR_FUZZ", "ci"))
