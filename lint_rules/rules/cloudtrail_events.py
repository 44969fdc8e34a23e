"""CloudTrail Requirements: management events (CT-002), S3 and Lambda data events (CT-003, CT-004)."""
from __future__ import annotations

from typing import Any

from ..engine import ACCOUNT, FAIL, PASS, register
from ..model import UNKNOWN
from . import _s3
from ._iam import tri_any
from ._trail import TRAIL, NO_TRAIL, show, trail_buckets, tri_and, TrailRule
from ._event_selectors import (advanced_read_write, grant_coverage, data_event_findings, equals_only, excluded,
                               field_selectors, grant_summary, LambdaKind, read_write, S3Kind, sides)

# =============================================================================
# CT-002
# =============================================================================
@register
class TrailManagementEvents(TrailRule):
    id = "CT-002"
    title = "CloudTrail records all management events (read and write)"
    clause = "Management events: all (read + write)"
    rationale = ("Read-only management calls (Describe*, Get*, List*) are how an intruder maps PHI systems; "
                 "write calls change them. Both must be in the audit trail, those of the global services too "
                 "(IAM, STS, console sign-in -- the root login the policy alerts on: include_global_service_events "
                 "= false leaves them out).")
    fix = ("Use read_write_type = \"All\" with include_management_events = true (or no event selector), "
           "or an advanced_event_selector with eventCategory = Management and no readOnly filter; leave "
           "include_global_service_events unset (true).")
    example_fail = '''resource "aws_cloudtrail" "main" {
  name           = "org-trail"
  s3_bucket_name = aws_s3_bucket.trail.id
  event_selector {
    read_write_type           = "WriteOnly"
    include_management_events = true
  }
}'''
    example_pass = '''resource "aws_cloudtrail" "main" {
  name           = "org-trail"
  s3_bucket_name = aws_s3_bucket.trail.id
  event_selector {
    read_write_type           = "All"
    include_management_events = true
  }
}'''

    no_trail_message = NO_TRAIL + ": management events are not recorded"

    def check(self, model, policy, trail):
        found = list(self._selectors(trail))
        glob = trail.values.get("include_global_service_events")
        if glob is False:
            also = [f.message for f in found if f.status == FAIL]
            yield self.failed(trail, "; ".join(also + ["include_global_service_events = false: the management events "
                                                       "of the global services (IAM, STS, console sign-in) are not "
                                                       "recorded"]))
        elif glob is UNKNOWN and all(f.status == PASS for f in found):
            yield self.unknown(trail, "include_global_service_events is not known until apply: cannot tell whether "
                                      "the management events of the global services (IAM, STS, console sign-in) "
                                      "are recorded")
        else:
            yield from found

    def _selectors(self, trail):
        basic = trail.values.get("event_selector")
        advanced = trail.values.get("advanced_event_selector")
        if basic is UNKNOWN or advanced is UNKNOWN:
            yield self.unknown(trail, "event_selector / advanced_event_selector is not known until apply")
            return
        malformed = [name for name in ("event_selector", "advanced_event_selector") if trail.malformed_blocks(name)]
        if malformed:  # not blocks at all: never read as "no selector, so the default"
            yield self.unknown(trail, f"{malformed[0]} is not a block (got {type(trail.values[malformed[0]]).__name__}); "
                                      "cannot tell which events are recorded")
            return
        selectors = trail.blocks("event_selector")
        adv = trail.blocks("advanced_event_selector")
        if not selectors and not adv:
            yield self.passed(trail, "no event_selector or advanced_event_selector: CloudTrail records all "
                                     "management events (read and write) by default")
            return
        contributions: list[tuple[Any, Any]] = []
        notes: list[str] = []
        limited = False  # a selector records management events but leaves some out (excluded sources, filters)
        for i, sel in enumerate(selectors):
            include = sel.get("include_management_events")
            include = True if include is None else (include if include is UNKNOWN else include is True)
            rwt = sel.get("read_write_type")
            read, write = read_write(rwt)
            excluded = sel.get("exclude_management_event_sources")
            full = tri_and(include, UNKNOWN if excluded is UNKNOWN else not excluded)
            limited = limited or (include is True and bool(excluded) and excluded is not UNKNOWN)
            contributions.append((tri_and(full, read), tri_and(full, write)))
            inc = sel.get("include_management_events")
            bits = [f"include_management_events = {show(inc) if inc is not None else 'unset (true)'}",
                    f"read_write_type = {show(rwt) if rwt is not None else 'unset (All)'}"]
            if excluded:
                bits.append(f"exclude_management_event_sources = {show(sorted(excluded) if isinstance(excluded, (list, set, tuple)) else excluded)}")
            notes.append(f"event_selector.{i}: " + ", ".join(bits))
        for i, sel in enumerate(adv):
            fields = field_selectors(sel)
            if fields is UNKNOWN:
                contributions.append((UNKNOWN, UNKNOWN))
                notes.append(f"advanced_event_selector.{i}: field_selector known after apply")
                continue
            is_mgmt = equals_only(fields, "eventCategory", "Management")
            if is_mgmt is False:
                continue
            read, write, rw_note = advanced_read_write(fields)
            extra = sorted(set(fields) - {"eventCategory", "readOnly"})
            full = tri_and(is_mgmt, not extra)
            limited = limited or (is_mgmt is True and bool(extra))
            contributions.append((tri_and(full, read), tri_and(full, write)))
            note = f"advanced_event_selector.{i}: eventCategory = Management"
            if rw_note:
                note += f", {rw_note}"
            if extra:
                note += f", filtered on {', '.join(extra)}"
            notes.append(note)
        read = tri_any(c[0] for c in contributions)
        write = tri_any(c[1] for c in contributions)
        detail = "; ".join(notes) if notes else "no selector includes management events"
        if read is True and write is True:
            yield self.passed(trail, f"all management events recorded ({detail})")
        elif read is False or write is False:
            gap = sides(read, write, False)
            # a selector that leaves some sources out records the rest: "not all", not "none"
            yield self.failed(trail, f"not all management event {gap} are recorded ({detail})" if limited
                              else f"management event {gap} are not recorded ({detail})")
        else:
            yield self.unknown(trail, f"management event {sides(read, write, UNKNOWN)} coverage is not "
                                      f"known until apply ({detail})")


# =============================================================================
# CT-003
# =============================================================================
@register
class TrailS3DataEvents(TrailRule):
    id = "CT-003"
    title = "CloudTrail records S3 data events (reads and writes) for every in-scope bucket"
    clause = "Data events: S3 (all buckets in scope), Lambda if used"
    rationale = ("Reads of PHI objects are only visible as S3 data events; without them nobody can say who "
                 "downloaded a record. Both reads (GetObject) and writes must be recorded, for every in-scope bucket "
                 "of the accounts the trail logs (an organization trail: every account).  A bucket another trail of "
                 "its account records is accepted, the message names that trail.  A selector may exclude the "
                 "trail's own log bucket (not_starts_with = [\"${aws_s3_bucket.trail.arn}/\"]), as AWS advises: "
                 "recording it would record the trail's own deliveries (policy cloudtrail.trail_bucket_data_events "
                 "= required forbids it).  With a module not read, a pass needs selectors that record every bucket.")
    fix = ("Add an event_selector with read_write_type = \"All\" and data_resource { type = \"AWS::S3::Object\", "
           "values = [\"arn:aws:s3\"] } (or an advanced_event_selector for eventCategory Data / AWS::S3::Object).")
    example_fail = '''resource "aws_cloudtrail" "main" {
  name           = "org-trail"
  s3_bucket_name = aws_s3_bucket.trail.id
  event_selector {
    read_write_type = "WriteOnly"
    data_resource {
      type   = "AWS::S3::Object"
      values = ["arn:aws:s3"]
    }
  }
}'''
    example_pass = '''resource "aws_cloudtrail" "main" {
  name           = "org-trail"
  s3_bucket_name = aws_s3_bucket.trail.id
  event_selector {
    read_write_type = "All"
    data_resource {
      type   = "AWS::S3::Object"
      values = ["arn:aws:s3"]
    }
  }
}'''

    no_trail_message = NO_TRAIL + ": S3 data events are not recorded"

    def evaluate(self, model, policy):
        kind = S3Kind(model)
        targets, maybe = [], set()
        for bucket in model.of_type("aws_s3_bucket"):
            name = _s3.bucket_name(bucket)
            if name is UNKNOWN:
                if policy.s3_data_event_buckets != "all":
                    maybe.add(bucket)
                targets.append(bucket)
            elif policy.bucket_in_data_event_scope(name):
                targets.append(bucket)

        def exempt(trail):
            if policy.trail_bucket_data_events_required:
                return {}
            why = ("a selector excludes it, and it is this trail's own log bucket (recording its data events "
                   "would record the trail's own deliveries; policy cloudtrail.trail_bucket_data_events = optional)")
            return {b: why for b in excluded(kind, trail, trail_buckets(model, trail)[0])}

        scope = show(policy.s3_data_event_buckets)
        yield from data_event_findings(self, model, kind, targets, maybe, "in-scope bucket(s)", _s3.describe,
                                       exempt=exempt, nothing=f"no in-scope aws_s3_bucket (s3_data_event_buckets = {scope})")
        yield from self.uncovered(model, policy)


# =============================================================================
# CT-004
# =============================================================================
@register
class TrailLambdaDataEvents(TrailRule):
    id = "CT-004"
    title = "CloudTrail records Lambda data events when Lambda is used"
    clause = "Data events: S3 (all buckets in scope), Lambda if used"
    rationale = ("Lambda invocations that touch PHI are only visible as Lambda data events; when the "
                 "configuration runs functions, their invocations must be in the audit trail.")
    fix = ("Add data_resource { type = \"AWS::Lambda::Function\", values = [\"arn:aws:lambda\"] } to an "
           "event_selector with read_write_type = \"All\".")
    example_fail = '''resource "aws_lambda_function" "f" { function_name = "phi-export" ... }
resource "aws_cloudtrail" "main" {
  name                  = "org-trail"
  s3_bucket_name        = aws_s3_bucket.trail.id
}'''
    example_pass = '''resource "aws_cloudtrail" "main" {
  name           = "org-trail"
  s3_bucket_name = aws_s3_bucket.trail.id
  event_selector {
    read_write_type = "All"
    data_resource {
      type   = "AWS::Lambda::Function"
      values = ["arn:aws:lambda"]
    }
  }
}'''

    no_trail_message = NO_TRAIL + ": Lambda data events are not recorded"

    def evaluate(self, model, policy):
        functions = model.of_type("aws_lambda_function")
        if not policy.lambda_data_events_if_used:
            yield self.passed(ACCOUNT, "not applicable: policy lambda_data_events_if_used = false")
            return
        if not functions and not model.of_type(TRAIL):
            yield self.absent(model, PASS, ACCOUNT, "not applicable: no aws_lambda_function in this configuration")
            return

        def describe(fn):
            name = fn.values.get("function_name")
            return f"{fn.address} ({name!r})" if isinstance(name, str) else fn.address

        yield from data_event_findings(self, model, LambdaKind(model), functions, set(), "Lambda function(s)",
                                       describe, nothing="not applicable: no aws_lambda_function")
        used = {model.account_of(f) for f in functions}
        for f in self.uncovered(model, policy):
            if f.account in used:
                yield f
