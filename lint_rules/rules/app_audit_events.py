"""Application logs as written: the audit-event contract on real log lines (APP-004 .. APP-006).

These rules read log lines, not Terraform: ``auditgate logs FILE|DIR|-`` and ``pytest --audit-log``
run them (``lint_rules.applogs.checker``); ``auditgate check`` skips them.  They are registered here
so that ``auditgate rules`` lists them and ``auditgate explain`` explains them like every other rule.
"""
from __future__ import annotations

from ..engine import Rule, register

SECTION = "Application-Level Logging"
LOGS = "logs"


class _LogRule(Rule):
    section = SECTION
    applies_to = (LOGS,)

    def evaluate(self, model, policy):  # a Terraform model has no log lines
        return ()


@register
class AuditEventContract(_LogRule):
    id = "APP-004"
    title = "Audit events in the application logs follow the audit-event contract"
    clause = "PHI access events (who accessed what record, when)"
    rationale = ("An audit trail answers who did what to which record, when, from where: an event type from a "
                 "closed set, an RFC 3339 UTC timestamp, the application, the actor as an opaque id, the "
                 "record's type and opaque id for PHI events, the outcome, the source IP and the request id "
                 "(the JSON Schema shipped as lint_rules/applogs/audit_event.schema.json). A line that carries "
                 "an \"event\" field is an audit event and must follow it; other JSON lines are ordinary "
                 "logs (still scanned for PHI by APP-005). Messages name the field and the form the contract "
                 "wants, never the value found.")
    fix = ("Log each audit event as one JSON object per line with the contract's fields "
           "(see the README, \"Audit-event contract\").")
    example_fail = '''{"event": "phi.read", "timestamp": "2026-01-05 14:03", "application": "django", "actor": "Jane Doe", "outcome": "success", "source_ip": "203.0.113.24", "request_id": "r1"}'''
    example_pass = '''{"event": "phi.read", "timestamp": "2026-01-05T14:03:22.120Z", "application": "django", "actor": "usr_7f3a9c", "outcome": "success", "source_ip": "203.0.113.24", "request_id": "req_01HZX4K9Q2", "record": {"type": "patient", "id": "pat_4c1e88"}}'''


@register
class NoCleartextPHI(_LogRule):
    id = "APP-005"
    title = "Application log lines carry no cleartext PHI"
    clause = "Logs must not contain PHI in cleartext in log lines where avoidable."
    rationale = ("Logs are copied, shipped, searched and kept for a year by people and tools outside the PHI "
                 "access controls; a patient's SSN, name or date of birth in a log line is a disclosure. Every "
                 "field of every line (JSON or not) is scanned: US SSNs (validated by python-stdnum), e-mail "
                 "addresses, phone numbers (validated by Google's libphonenumber), calendar dates that are not "
                 "timestamps (a date of birth or of care), MRN-like ids after their keyword, values that read "
                 "as a person's name in the fields naming the actor (\"Jane Doe\", \"jane.doe\"; ids written "
                 "with _ - or digits are not names), any value of a field whose name says it is personal data "
                 "(patient_name, ssn, dob ...), and the policy file's own patterns "
                 "(application_logging.audit_events.phi). Findings give the line, the field path and the "
                 "masked shape of what was found; the value itself is never printed, in any format.")
    fix = ("Log opaque ids instead of personal data (the record's id, the user's id); never log request "
           "bodies, form values or model instances of patients.")
    example_fail = '''{"event": "phi.update", ..., "record": {"type": "patient", "id": "pat_4c1e88"}, "changes": "name=Jane Doe ssn=536-22-8841"}'''
    example_pass = '''{"event": "phi.update", ..., "record": {"type": "patient", "id": "pat_4c1e88"}, "fields": ["name", "ssn"]}'''


@register
class AuditEventCoverage(_LogRule):
    id = "APP-006"
    title = "Each application logs every audit event type the policy requires"
    clause = "Django and Laravel applications must log:"
    rationale = ("The policy lists what the applications must log: authentication (login success, login "
                 "failure, logout), PHI access, PHI modification (create, update, delete) and failed "
                 "authorization. A test run that exercises each of these must show each event type, valid, for "
                 "each application seen (or named with --app); a type never logged is a gap in the audit "
                 "trail. The required types are the policy file's application_logging.audit_events.required; "
                 "--no-coverage turns this check off for production exports where not every type occurs.")
    fix = ("Emit the missing event types: hook the framework's authentication signals/events and log each PHI "
           "read/create/update/delete and each denied request (see the README's Django and Laravel examples).")
    example_fail = '''django: seen auth.login.success, auth.logout, phi.read -- missing auth.login.failure, phi.create, phi.update, phi.delete, authz.denied'''
    example_pass = '''django: all 8 required event types seen (auth.login.success ... authz.denied)'''
