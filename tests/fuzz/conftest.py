"""Hypothesis profiles for the fuzz tests, and the count of generated inputs in the summary.

``AUDITGATE_FUZZ_PROFILE``:

- ``quick`` (default, what a plain ``pytest`` runs while editing): a twentieth of the budgets,
  derandomized (the same few hundred inputs every run, about a minute);
- ``ci`` (``.ci/run`` sets it): the budgets of the tests, at least 10,000 inputs in all,
  derandomized, so a CI run is reproducible and its time stable (about 10 minutes);
- ``long``: ten times as many, random (a new part of the input space every run): run it on demand,
  ``AUDITGATE_FUZZ_PROFILE=long pytest tests/fuzz``.

The summary line of the run says how many generated inputs went through auditgate.
"""
from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

from .harness import COUNTER

PROFILE = os.environ.get("AUDITGATE_FUZZ_PROFILE") or "quick"
SCALE = {"ci": 1.0, "long": 10.0, "quick": 0.05}

_common = dict(deadline=None, database=None, print_blob=True,
               suppress_health_check=list(HealthCheck))
settings.register_profile("ci", derandomize=True, **_common)
settings.register_profile("long", derandomize=False, **_common)
settings.register_profile("quick", derandomize=True, **_common)
if PROFILE not in SCALE:
    raise ValueError(f"AUDITGATE_FUZZ_PROFILE={PROFILE!r}: expected one of {', '.join(SCALE)}")
settings.load_profile(PROFILE)


#: generated inputs of each fuzzer under the ci profile (tests/fuzz/test_fuzz_plans.py checks the sum)
CI_BUDGETS: dict[str, int] = {}


def budget(ci_examples: int, name: str) -> int:
    """The number of inputs fuzzer ``name`` generates under the current profile."""
    CI_BUDGETS[name] = ci_examples
    return max(1, int(ci_examples * SCALE[PROFILE]))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not COUNTER.cases:
        return
    def linted(test=None):
        return sum(n for (t, code), n in COUNTER.codes_by_test.items() if code in (0, 1) and test in (None, t))

    per = ", ".join(f"{name} {n} ({linted(name)} linted)" for name, n in sorted(COUNTER.by_test.items()))
    verdict = "; none crashed or hung" if exitstatus == 0 else ""
    terminalreporter.write_line(
        f"fuzz ({PROFILE} profile): {COUNTER.cases} generated inputs run through auditgate in "
        f"{COUNTER.seconds:.0f} s: {per}; {linted()} loaded and linted, {COUNTER.codes.get(2, 0)} refused "
        f"with one line{verdict}")
