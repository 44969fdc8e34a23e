"""Session-wide fixtures and hooks of the suite.

The suite never writes to the user's cache directory: auditgate's cache (HCL parses, the rule
catalogue) goes to a directory of this session, inherited by every auditgate subprocess."""
from __future__ import annotations

import os
import shutil
import tempfile

import pytest

from .require_terraform import pytest_runtest_makereport  # noqa: F401  (AUDITGATE_REQUIRE_TERRAFORM=1)

_CACHE = tempfile.mkdtemp(prefix="auditgate-test-cache-")
os.environ["AUDITGATE_CACHE_DIR"] = _CACHE


def pytest_unconfigure(config):
    shutil.rmtree(_CACHE, ignore_errors=True)


@pytest.fixture(scope="session")
def offline_tf(tmp_path_factory):
    """The real terraform with the offline hashicorp/aws stand-in (tests/offline_tf.py): skips where
    terraform or the shared schema is missing, fails where they are there and the provider does not start."""
    from .offline_tf import start_session

    return start_session(tmp_path_factory.mktemp("tfoffline"))


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    """An empty auditgate cache directory of the test's own, in use (``AUDITGATE_CACHE_DIR``), with
    this process's in-memory entries forgotten before and after."""
    from lint_rules import cache

    where = tmp_path / "cache"
    monkeypatch.setenv("AUDITGATE_CACHE_DIR", str(where))
    monkeypatch.delenv("AUDITGATE_NO_CACHE", raising=False)
    cache.reset()
    yield where
    cache.reset()
