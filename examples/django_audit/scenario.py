"""Drive the example with Django's test client: every audit event type, once or more.

    AUDIT_LOG_FILE=/tmp/audit.log python examples/django_audit/scenario.py

Prints the HTTP status of each step (and fails if one is not what the scenario expects).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "audit_site.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Permission, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

PATIENT = {"name": "Zebulon Quillfeather", "ssn": "536-22-8841", "date_of_birth": "1961-07-23"}


def expect(response, status: int, step: str):
    print(f"{step}: {response.status_code}")
    if response.status_code != status:
        raise SystemExit(f"{step}: expected HTTP {status}, got {response.status_code}")
    return response


def main() -> None:
    call_command("migrate", verbosity=0)
    clerk = User.objects.create_user("clerk", password="clerk-pass-1")
    clerk.user_permissions.add(*Permission.objects.filter(content_type__app_label="patients"))
    User.objects.create_user("intern", password="intern-pass-1")

    c = Client(REMOTE_ADDR="198.51.100.7")
    expect(c.post("/login/", {"username": "clerk", "password": "wrong"}), 401, "login failure")
    expect(c.post("/login/", {"username": "clerk", "password": "clerk-pass-1"}), 204, "login")
    pid = expect(c.post("/patients/", PATIENT), 201, "create").json()["id"]
    expect(c.get(f"/patients/{pid}/"), 200, "read")
    expect(c.post(f"/patients/{pid}/update/", {"ssn": "536-22-8842"}), 200, "update")
    expect(c.post("/logout/"), 204, "logout")

    other = Client(REMOTE_ADDR="2001:db8::15")
    expect(other.post("/login/", {"username": "intern", "password": "intern-pass-1"}), 204, "intern login")
    expect(other.get(f"/patients/{pid}/"), 403, "forbidden read")
    expect(other.post("/logout/"), 204, "intern logout")

    expect(c.post("/login/", {"username": "clerk", "password": "clerk-pass-1"}), 204, "login again")
    expect(c.post(f"/patients/{pid}/delete/"), 204, "delete")


if __name__ == "__main__":
    main()
