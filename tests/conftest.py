"""The suite never writes to the user's cache directory: auditgate's cache (HCL parses, the rule
catalogue) goes to a directory of this session, inherited by every auditgate subprocess."""
from __future__ import annotations

import os
import shutil
import tempfile

_CACHE = tempfile.mkdtemp(prefix="auditgate-test-cache-")
os.environ["AUDITGATE_CACHE_DIR"] = _CACHE


def pytest_unconfigure(config):
    shutil.rmtree(_CACHE, ignore_errors=True)
