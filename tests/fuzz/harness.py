"""Run ``auditgate`` in-process on one generated input and check that it failed closed.

Every input either loads and lints (exit 0 or 1, a report on stdout, only ``auditgate: note:``
lines on stderr) or is refused (exit 2, exactly one ``auditgate: error:`` line on stderr, nothing
on stdout).  Never a traceback, never exit 3 (``AUDITGATE_DEBUG`` is set, so an internal error
raises and hypothesis shows and shrinks it), never a hang: each case runs under a wall-clock
limit (``signal.setitimer``), and a case over it fails the test.
"""
from __future__ import annotations

import io
import json
import os
import signal
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Sequence

from lint_rules.cli import main

#: wall-clock seconds one generated case may take (generous: a loaded CI machine, the first case
#: of a run imports everything); ``AUDITGATE_FUZZ_TIMEOUT`` overrides
CASE_TIMEOUT = float(os.environ.get("AUDITGATE_FUZZ_TIMEOUT", "20"))


#: address space one generated case may add to this process (``AUDITGATE_FUZZ_MEMORY_GB``): a case
#: past it raises MemoryError, which fails the test with that input (instead of the machine's OOM
#: killer ending the whole run)
CASE_MEMORY = int(float(os.environ.get("AUDITGATE_FUZZ_MEMORY_GB", "4")) * 2 ** 30)


class Hang(BaseException):
    """A case ran over its time limit (a BaseException, so that ``main`` cannot swallow it)."""


def _address_space() -> int | None:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


@contextmanager
def memory_limit(extra: int):
    """At most ``extra`` more bytes of address space while the block runs (Linux; elsewhere no limit)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    now = _address_space()
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if now is None or (hard != resource.RLIM_INFINITY and now + extra > hard):
        yield
        return
    resource.setrlimit(resource.RLIMIT_AS, (now + extra, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


class _Counter:
    cases = 0
    seconds = 0.0
    by_test: dict = {}


COUNTER = _Counter()


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str
    seconds: float


def _stream() -> io.TextIOWrapper:
    # what a real stdout is: UTF-8 with strict errors (a lone surrogate in a report must not pass here
    # and crash a real terminal)
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict", newline="")


def _value(stream: io.TextIOWrapper) -> str:
    stream.flush()
    return stream.buffer.getvalue().decode("utf-8")


@contextmanager
def time_limit(seconds: float):
    def expired(signum, frame):
        raise Hang(f"case ran over {seconds:g} s")

    old = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def run_cli(args: Sequence[str], stdin: bytes | None = None, test: str = "") -> Result:
    """``auditgate ARGS`` in this process, with ``stdin`` as standard input; ``test`` names the
    fuzzer of a generated input (counted for the summary)."""
    out, err = _stream(), _stream()
    fake_in = io.TextIOWrapper(io.BytesIO(stdin or b""), encoding="utf-8")
    saved = sys.stdout, sys.stderr, sys.stdin
    old_debug = os.environ.get("AUDITGATE_DEBUG")
    os.environ["AUDITGATE_DEBUG"] = "1"
    start = time.perf_counter()
    try:
        sys.stdout, sys.stderr, sys.stdin = out, err, fake_in
        with time_limit(CASE_TIMEOUT), memory_limit(CASE_MEMORY):
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse
                code = exc.code if isinstance(exc.code, int) else 2
            except MemoryError:
                raise AssertionError(f"case needed more than {CASE_MEMORY / 2 ** 30:g} GiB of memory") from None
    finally:
        sys.stdout, sys.stderr, sys.stdin = saved
        if old_debug is None:
            os.environ.pop("AUDITGATE_DEBUG", None)
        else:
            os.environ["AUDITGATE_DEBUG"] = old_debug
    seconds = time.perf_counter() - start
    if test:  # a generated input (counted in the summary line)
        COUNTER.cases += 1
        COUNTER.seconds += seconds
        COUNTER.by_test[test] = COUNTER.by_test.get(test, 0) + 1
    return Result(code, _value(out), _value(err), seconds)


def check_closed(result: Result, fmt: str = "text", loadable: bool | None = None,
                 unknown_fails: bool = True) -> None:
    """The fail-closed contract for one run (see the module docstring).

    ``loadable``: False when the input is known not to be a readable plan (exit 2 is then the only
    acceptable outcome); None when the fuzzer does not know."""
    code, out, err = result.code, result.stdout, result.stderr
    assert "Traceback" not in err and "Traceback" not in out, err
    assert code in (0, 1, 2), (code, err)
    if code == 2:
        assert out == "", f"exit 2 with a report on stdout: {out[:200]!r}"
        assert err.startswith("auditgate: error: ") and err.endswith("\n") and err.count("\n") == 1, \
            f"exit 2 needs exactly one error line, got {err[:500]!r}"
        assert len(err) < 2000, f"error line of {len(err)} characters"
        return
    assert loadable is not False, f"exit {code} for an input that cannot load: {out[:300]!r}"
    for line in err.splitlines():
        assert line.startswith("auditgate: note: "), f"stray stderr line: {line[:300]!r}"
    assert out, "exit 0/1 with no report"
    if fmt == "json":
        doc = json.loads(out)
        assert doc["version"] == 1 and isinstance(doc["findings"], list)
        failing = [f for f in doc["findings"]
                   if f["status"] == "fail" or (unknown_fails and f["status"] == "unknown")]
        if code == 0:
            assert not failing
    elif fmt == "text":
        assert out.rstrip("\n").splitlines()[-1].startswith("auditgate: "), out[-300:]
