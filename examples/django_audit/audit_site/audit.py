"""The audit trail of the example: one JSON event per line, in the shape of auditgate's contract.

Only opaque ids are logged: the user as ``usr_`` + a keyed hash of its primary key, the patient as
its ``public_id``.  Never a username, a name, an e-mail address, or any field of the record.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import uuid
from datetime import datetime, timezone

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

logger = logging.getLogger("audit")
APPLICATION = "django"


def actor_id(user) -> str | None:
    """An opaque, stable id for a user: never its username or e-mail address."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    digest = hmac.new(settings.SECRET_KEY.encode(), str(user.pk).encode(), hashlib.sha256).hexdigest()
    return f"usr_{digest[:12]}"


def audit(request, event: str, outcome: str, *, user=None, record=None, reason=None, **extra) -> None:
    """Log one audit event (``extra`` is for the example's leaky mode only: see patients.views)."""
    fields = {
        "event": event,
        "actor": actor_id(user if user is not None else getattr(request, "user", None)),
        "outcome": outcome,
        "source_ip": request.META.get("REMOTE_ADDR", "0.0.0.0") if request is not None else "0.0.0.0",
        "request_id": getattr(request, "request_id", None) or uuid.uuid4().hex,
    }
    if record is not None:
        fields["record"] = record
    if reason is not None:
        fields["reason"] = reason
    fields.update(extra)
    logger.info(event, extra={"audit": fields})


class AuditJsonFormatter(logging.Formatter):
    """The audit event itself, with its UTC timestamp and the application: one JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        event = dict(getattr(record, "audit", None) or {"event": None, "message": record.getMessage()})
        stamp = datetime.fromtimestamp(record.created, tz=timezone.utc)
        event = {"event": event.pop("event"), "timestamp": stamp.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
                 "application": APPLICATION, **event}
        return json.dumps(event, separators=(",", ":"), default=str)


class PlainJsonFormatter(logging.Formatter):
    """Ordinary (non-audit) log lines as JSON too, so one file holds both."""

    def format(self, record: logging.LogRecord) -> str:
        return json.dumps({"level": record.levelname, "logger": record.name, "message": record.getMessage()})


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        header = request.META.get("HTTP_X_REQUEST_ID", "")
        request.request_id = header if header.replace("-", "").isalnum() and len(header) <= 64 else uuid.uuid4().hex
        return self.get_response(request)


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit(request, "auth.login.success", "success", user=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    audit(request, "auth.logout", "success", user=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    # credentials hold the username typed: never logged (it may be a name or an e-mail address)
    audit(request, "auth.login.failure", "failure", user=None, reason="bad_credentials")
