"""On-demand benchmark of `auditgate logs`: throughput and peak memory on a large log file.

    python bench/bench_logs.py              # a 1 GiB NDJSON file (written once under /tmp, reused)
    python bench/bench_logs.py 200          # size in MiB
    python bench/bench_logs.py 200 --export # the same lines as `aws logs filter-log-events` output

The file is synthetic application logs (tests/applogs/corpus.py: audit events, request logs, framework
chatter), one line in 50 carrying a planted SSN so the PHI path is exercised too.  Reports MB/s and the
peak RSS of the `auditgate logs` process.  Target: peak RSS under 200 MiB whatever the size (the input
is streamed); throughput is reported, not asserted.  Not part of the test suite.
"""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.applogs.corpus import clean_lines  # noqa: E402

TARGET_RSS_MIB = 200


def build(path: Path, mib: int, export: bool) -> None:
    if path.exists() and path.stat().st_size >= mib * 1024 * 1024:
        return
    target = mib * 1024 * 1024
    written, seed = 0, 0
    with path.open("w") as handle:
        if export:
            handle.write('{\n    "events": [\n')
        first = True
        while written < target:
            seed += 1
            for n, line in enumerate(clean_lines(20_000, seed=seed)):
                if n % 50 == 0:
                    line = line[:-1] + ',"note":"ssn 536-22-8841"}' if line.endswith("}") else line + " 536-22-8841"
                if export:
                    text = ("" if first else ",\n") + json.dumps(
                        {"logStreamName": "web/1", "timestamp": n, "message": line, "ingestionTime": n,
                         "eventId": str(n)}, indent=4)
                    first = False
                else:
                    text = line + "\n"
                handle.write(text)
                written += len(text)
                if written >= target:
                    break
        if export:
            handle.write('\n    ],\n    "searchedLogStreams": []\n}\n')


def main(argv: list[str]) -> int:
    export = "--export" in argv
    args = [a for a in argv if not a.startswith("--")]
    mib = int(args[0]) if args else 1024
    path = Path(os.environ.get("TMPDIR", "/tmp")) / f"auditgate-bench-{mib}MiB{'-export' if export else ''}.log"
    t0 = time.perf_counter()
    build(path, mib, export)
    print(f"input: {path} ({path.stat().st_size / 1e6:.0f} MB, built in {time.perf_counter() - t0:.0f} s)")
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "lint_rules.cli", "logs", str(path), "--format", "json",
                           "--max-findings", "100"], capture_output=True, cwd=ROOT)
    seconds = time.perf_counter() - t0
    rss_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    doc = json.loads(proc.stdout)
    stats = doc["logs"]["sources"][0]
    mb = path.stat().st_size / 1e6
    print(f"auditgate logs: exit {proc.returncode}, {stats['lines']:,} lines, {stats['audit_events']:,} audit "
          f"events, {stats['lines_with_phi']:,} lines with PHI, {doc['summary']['fail']:,} failing findings")
    print(f"time {seconds:.1f} s = {mb / seconds:.1f} MB/s, {stats['lines'] / seconds:,.0f} lines/s; "
          f"peak RSS {rss_mib:.0f} MiB (target < {TARGET_RSS_MIB} MiB)")
    return 0 if rss_mib < TARGET_RSS_MIB and proc.returncode in (0, 1) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
