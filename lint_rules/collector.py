"""The cyclic garbage collector, paused while auditgate builds or reads what it keeps.

A check keeps nearly everything it allocates until it ends -- the plan document, the model, the
findings, the rules' memos -- so the cyclic collector would only walk it again and again and free
nothing (40% of the load time of a 5,000-resource plan; 2 s of the rules' 12 s at 50,000).  Reference
counting still frees what is dropped; the peak memory is the same without the collector (measured in
``bench/README.md``).  Each pause puts the collector back as it found it, so a long-lived process (the
pytest plugin, the tests) keeps collecting between checks.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def collector_paused() -> Iterator[None]:
    """The collector off inside the block, back on after when it was on.

    What the block allocated is long-lived (a loaded model, a check's findings and memos): it is moved
    to the oldest generation (freeze then unfreeze, O(1)) before the collector is back on, or the first
    young collection after the block would walk all of it (0.2 s at the end of a 5,000-resource
    check, when the process is about to exit)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.freeze()
            gc.unfreeze()
            gc.enable()
