"""Session-wide fixtures of the suite."""
from __future__ import annotations

import pytest

from .require_terraform import pytest_runtest_makereport  # noqa: F401  (AUDITGATE_REQUIRE_TERRAFORM=1)


@pytest.fixture(scope="session")
def offline_tf(tmp_path_factory):
    """The real terraform with the offline hashicorp/aws stand-in (tests/offline_tf.py): skips where
    terraform or the shared schema is missing, fails where they are there and the provider does not start."""
    from .offline_tf import start_session

    return start_session(tmp_path_factory.mktemp("tfoffline"))
