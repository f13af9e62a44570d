"""Hypothesis profiles, loaded by tests/conftest.py.

Usage:
    CI=true pytest tests/unit     # the "ci" profile: a failure prints its @reproduce_failure
    pytest tests/unit             # the default profile

"ci" prints the blob that replays a failing example exactly (`@reproduce_failure(...)`
above the test, with the same hypothesis version) and keeps random examples, so each CI
run explores new ones; no deadline, as a busy runner is slow. Example counts stay what
each test sets, so CI takes no longer than a run on a laptop. A test's own settings win
(test_reading_contract.py stays derandomized).
"""

from __future__ import annotations

import os

from hypothesis import settings

CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")

settings.register_profile("ci", print_blob=True, derandomize=False, deadline=None)
settings.load_profile("ci" if CI else "default")
