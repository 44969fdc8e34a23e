"""Large inputs are streamed: memory does not grow with the size of the file (the 1 GB measurement is
bench/bench_logs.py; this holds the property on files a test can afford)."""
from __future__ import annotations

import json
import tracemalloc

from lint_rules.applogs.checker import LogChecker

from ..helpers import POLICY
from .corpus import clean_lines


def write_ndjson(path, count: int) -> None:
    with path.open("w") as handle:
        for n, line in enumerate(clean_lines(count, seed=7)):
            if n % 10 == 0:  # a PHI finding every 10 lines: more than the findings kept
                event = json.loads(line) if line.startswith("{") else {"message": line}
                event["note"] = "ssn 536-22-8841"
                line = json.dumps(event)
            handle.write(line + "\n")


def write_filter_log_events(path, count: int) -> None:
    events = ({"logStreamName": "web/1", "timestamp": n, "message": line, "ingestionTime": n, "eventId": str(n)}
              for n, line in enumerate(clean_lines(count, seed=8)))
    with path.open("w") as handle:
        handle.write('{\n    "events": [\n')
        for n, event in enumerate(events):
            handle.write((",\n" if n else "") + json.dumps(event, indent=4))
        handle.write('\n    ],\n    "searchedLogStreams": []\n}\n')


def peak_bytes(path) -> int:
    tracemalloc.start()
    try:
        checker = LogChecker(POLICY, limit=200)
        checker.check_paths([str(path)])
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_file(tmp_path):
    small, large = tmp_path / "small.log", tmp_path / "large.log"
    write_ndjson(small, 3_000)
    write_ndjson(large, 24_000)
    assert large.stat().st_size > 5 * 1024 * 1024
    peak_bytes(small)  # first use loads modules and metadata (phonenumbers, the schema): not per-line memory
    grown = peak_bytes(large) - peak_bytes(small)
    assert grown < 1024 * 1024, f"peak memory grew {grown / 1e6:.1f} MB for 8x the lines"


def test_filter_log_events_documents_are_streamed(tmp_path):
    small, large = tmp_path / "small.json", tmp_path / "large.json"
    write_filter_log_events(small, 6_000)  # already larger than the reader's 1 MiB window
    write_filter_log_events(large, 24_000)
    assert large.stat().st_size > 9 * 1024 * 1024
    peak_bytes(small)
    grown = peak_bytes(large) - peak_bytes(small)
    assert grown < 1024 * 1024, f"peak memory grew {grown / 1e6:.1f} MB for 8x the events"
