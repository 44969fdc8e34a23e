"""Synthetic application logs: clean lines as Django/Laravel services really write them (audit events,
request logs, framework chatter, errors, job runners) and lines with planted PHI.  Deterministic (seeded),
so a false positive found once is found again.  Used by the false-positive test and bench/bench_logs.py."""
from __future__ import annotations

import json
import random
import uuid
from typing import Iterator

from lint_rules.applogs.contract import EVENT_TYPES, example_event

PATHS = ["/patients/{id}/", "/patients/{id}/labs/", "/api/v2/appointments/{id}", "/billing/invoices/{n}/pdf",
         "/static/css/app.{h}.css", "/health", "/login/", "/admin/patients/patient/{n}/change/",
         "/api/v1/encounters?page={p}&per_page=50", "/media/screenshots/{id}.png"]
AGENTS = ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
          "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
          "ELB-HealthChecker/2.0", "python-requests/2.32.3", "GuzzleHttp/7", "kube-probe/1.29"]
TEXT = ["Watching for file changes with StatReloader", "Performing system checks...",
        "System check identified no issues (0 silenced).", "Applying patients.0007_auto_20240112_1030... OK",
        "Booting worker with pid: {n}", "[{ts}] production.INFO: Queue worker started {{\"queue\":\"default\"}}",
        "Task patients.tasks.reindex[{u}] succeeded in {f}s: None", "Illuminate\\Database\\QueryException: SQLSTATE[40001]",
        "Traceback (most recent call last):", "  File \"/app/patients/views.py\", line {n}, in detail",
        "django.db.utils.OperationalError: could not connect to server: Connection refused",
        "GET /health HTTP/1.1\" 200 2 \"-\" \"kube-probe/1.29\"", "Sending 3 reminders for slot {n}",
        "cache miss ratio 0.{n} over {p} lookups", "Released lock payroll-sync after {f}s",
        "Deprecated: Return type of App\\Models\\Patient::offsetGet($key) should be compatible",
        "Ran 214 tests in 12.{n}s", "OK (skipped=3)", "Creating test database for alias 'default'...",
        "build 2024.11.3+g{h} (python 3.12.4, Django 5.1.2)", "worker memory 512MiB, rss {n}KiB"]


def _ts(rng: random.Random) -> str:
    return (f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:"
            f"{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}.{rng.randint(0, 999):03d}Z")


def _ip(rng: random.Random) -> str:
    if rng.random() < 0.2:
        return f"2001:db8:{rng.randint(0, 0xffff):x}::{rng.randint(1, 0xffff):x}"
    return f"{rng.choice([10, 172, 192, 203, 198])}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def _fill(rng: random.Random, template: str) -> str:
    return template.format(id=f"pat_{rng.getrandbits(48):012x}", n=rng.randint(1, 99999), p=rng.randint(1, 400),
                           h=f"{rng.getrandbits(32):08x}", u=str(uuid.UUID(int=rng.getrandbits(128))),
                           f=f"{rng.random() * 9:.3f}", ts=_ts(rng).replace("T", " ")[:19])


def clean_lines(count: int, seed: int = 1) -> Iterator[str]:
    rng = random.Random(seed)
    for _ in range(count):
        kind = rng.random()
        if kind < 0.45:
            event = example_event(rng.choice(EVENT_TYPES), rng.choice(["django", "laravel"]))
            event.update(timestamp=_ts(rng), source_ip=_ip(rng), request_id=uuid.UUID(int=rng.getrandbits(128)).hex)
            if event["actor"]:
                event["actor"] = f"usr_{rng.getrandbits(48):012x}"
            if "record" in event:
                event["record"] = {"type": rng.choice(["patient", "lab_result", "encounter", "invoice"]),
                                   "id": f"{rng.choice(['pat', 'lab', 'enc', 'inv'])}_{rng.getrandbits(40):010x}"}
            if event["event"] == "phi.update":
                event["fields"] = rng.sample(["name", "ssn", "date_of_birth", "address", "phone"], 2)
            yield json.dumps(event, separators=(",", ":"))
        elif kind < 0.80:
            yield json.dumps({
                "time": _ts(rng), "level": rng.choice(["INFO", "INFO", "WARNING", "DEBUG"]),
                "logger": rng.choice(["django.request", "django.server", "gunicorn.access", "laravel", "celery.worker"]),
                "message": f"{rng.choice(['GET', 'POST', 'PUT'])} {_fill(rng, rng.choice(PATHS))} "
                           f"{rng.choice([200, 201, 204, 302, 304, 403, 404, 500])}",
                "duration_ms": round(rng.random() * 900, 2), "bytes": rng.randint(0, 900000),
                "remote_addr": _ip(rng), "user_agent": rng.choice(AGENTS),
                "trace_id": f"1-{rng.getrandbits(32):08x}-{rng.getrandbits(96):024x}",
                "epoch_ms": 1767225600000 + rng.randint(0, 10 ** 10), "pid": rng.randint(1, 65535),
                "version": f"{rng.randint(1, 9)}.{rng.randint(0, 40)}.{rng.randint(0, 20)}",
            }, separators=(",", ":"))
        else:
            yield _fill(rng, rng.choice(TEXT))


#: (kind, a value in that kind's usual written forms)
PLANTED = [
    ("ssn", "536-22-8841"), ("ssn", "219 45 7733"), ("email", "jane.roe@example.com"),
    ("email", "J.Roe+portal@mail.example.co.uk"), ("phone", "(415) 555-2671"), ("phone", "415-555-2671"),
    ("phone", "+1 212 555 0199"), ("phone", "+44 20 7946 0958"), ("phone", "415.555.2671"),
    ("date", "1961-07-23"), ("date", "07/23/1961"), ("date", "23.07.1961"), ("date", "23 Jul 1961"),
    ("date", "July 23, 1961"), ("mrn", "MRN 77341902"), ("mrn", "mrn: A0012345"),
    ("mrn", "medical record number 4455667"),
]


def phi_lines(seed: int = 2) -> Iterator[tuple[str, str]]:
    """(kind, line) with one planted value, in a free-text field of an otherwise clean line."""
    rng = random.Random(seed)
    for kind, value in PLANTED:
        event = example_event(rng.choice(EVENT_TYPES))
        event["detail"] = f"lookup for {value} done"
        yield kind, json.dumps(event)
