"""The adapter's checkov-independent modules (checkov_adapter/auditgate_bridge), importable here."""
from __future__ import annotations

import sys

from .env import ADAPTER

if str(ADAPTER) not in sys.path:
    sys.path.insert(0, str(ADAPTER))

from auditgate_bridge import run_auditgate, scan_index, scan_state, verdicts  # noqa: E402

__all__ = ["run_auditgate", "scan_index", "scan_state", "verdicts"]
