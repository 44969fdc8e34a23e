"""One function per log pipe: may its writer write, end to end?  (The DLV rules call these.)

Each builds the requests the service makes -- as AWS documents them for the service's bucket
policy, key policy or role -- and asks :mod:`._grants` whether every policy in the way lets them
through.  Each returns one :class:`~._grants.Answer` for the pipe.
"""
from __future__ import annotations

from ..engine import FAIL, PASS, UNKNOWN_STATUS
from ..model import UNKNOWN, Model, Resource
from . import _s3
from ._delivery import (Encryption, KeyTarget, best, bucket_policies, bucket_target, combine, default_encryption,
                        key_aliases, key_from_value, key_policies, key_prefix_text, key_state,
                        key_target, log_group_target, no_bucket_policy, prefixed, role_context, role_policies,
                        role_principal, role_target, service_context, sse_headers, trust_policy)
from ._grants import ABSENT, Answer, Request, may_assume, role_may, service_may, service_principal
from ._retention import fmt, names_session_key, parse_s3_arn, session_inputs, truthy_flag
from ._symbolic import (Sym, Text, bucket_arn_text, bucket_name_text, detector_arn_text, facts, is_literal,
                        key_arn_text, literal, log_group_arn_text, provider_of, ref_text, regional_arn, role_arn_text,
                        show, text, trail_arn_text)

CLOUDTRAIL = "cloudtrail.amazonaws.com"
CONFIG = "config.amazonaws.com"
FLOW_LOGS = "vpc-flow-logs.amazonaws.com"
S3_LOGGING = "logging.s3.amazonaws.com"
GUARDDUTY = "guardduty.amazonaws.com"
ACL_OWNER = [("bucket-owner-full-control",)]
DAY = "2026/01/01"


def _where(model: Model, resource: Resource) -> tuple[str, Text, Text, str]:
    f = facts(model)
    p = provider_of(resource)
    return p, f.account_text(p), f.region_text(p, resource), f.partition(p)


def _each(target, what: str, check) -> Answer:
    """``check`` the one resource ``target`` names; when it may name several (a reference to a
    resource with for_each, without the key), each must pass -- otherwise which one it is decides,
    and that is not known."""
    if target.problem is not None:
        return target.problem
    answers = [(r, check(r)) for r in target.resources]
    if len(answers) == 1:
        return answers[0][1]
    names = ", ".join(r.address for r, _ in answers[:3]) + (f" and {len(answers) - 3} more" if len(answers) > 3 else "")
    bad = [(r, a) for r, a in answers if a.status != PASS]
    if not bad:
        return Answer(PASS, f"{what} names one of {names}, and each delivers: {answers[0][1].text}",
                      [g for _, a in answers for g in a.grants])
    r, a = bad[0]
    return Answer(UNKNOWN_STATUS, f"{what} may name any of {names}; for {r.address}: {a.text}")


# =============================================================================
# keys
# =============================================================================
def aws_managed_note(what: str, alias: str) -> Answer:
    """An AWS-managed key (``alias/aws/...``): its key policy cannot be changed, so no log service can be
    granted its use -- but that is the customer-managed-key rules' failure (CT-005, ENC-*); one
    misconfiguration gets one failing rule, here a note."""
    return Answer(PASS, f"(note: {what} names the AWS-managed key {alias}, whose policy cannot grant a log "
                        "service its use; the customer-managed-key rules report it)")


def _service_key(model: Model, kt: KeyTarget | None, service: str | Text, actions: tuple[str, ...], context: dict,
                 writer: Resource, what: str) -> Answer | None:
    """May ``service`` (a service principal) use the key ``kt`` names (None when no key is named)?"""
    if kt is None:
        return None
    if kt.aws_managed:
        return aws_managed_note(what, kt.aws_managed)
    if kt.problem is not None:
        return kt.problem
    key = kt.key
    state = key_state(key)
    if state is not None:
        return state
    policies = key_policies(model, key)
    arn = key_arn_text(model, key)
    answers = []
    for action in actions:
        req = Request(service_principal(service), action, arn, context, resource_label=key.address)
        answers.append(service_may(policies, req))
    return combine(answers)


def _bucket_default_key(model: Model, bucket: Resource, enc: Encryption) -> tuple[KeyTarget | None, Answer | None]:
    """The CMK of a bucket's SSE-KMS default encryption (None for SSE-S3)."""
    if enc.algorithm is UNKNOWN:
        return None, Answer(UNKNOWN_STATUS, f"{bucket.address}: {enc.text}: cannot tell whether a KMS key must "
                                            "let the writer encrypt")
    if enc.algorithm not in ("aws:kms", "aws:kms:dsse"):
        return None, None
    kt = key_target(model, enc.holder, enc.key_path)
    if kt is None:
        return None, Answer(UNKNOWN_STATUS, f"{bucket.address} default encryption is {enc.algorithm} with the "
                                            "AWS-managed aws/s3 key, whose key policy auditgate cannot read")
    return kt, None


def _s3_kms_context(model: Model, bucket: Resource, enc: Encryption, object_arn: Text) -> dict:
    _, _, region, _ = _where(model, bucket)
    scope = bucket_arn_text(model, bucket) if enc.bucket_key is True else object_arn
    return {"kms:viaservice": [text("s3.", region, ".amazonaws.com")],
            "kms:encryptioncontext:aws:s3:arn": [scope], "kms:encryptioncontextkeys": [("aws:s3:arn",)]}


# =============================================================================
# CloudTrail -> S3
# =============================================================================
def cloudtrail_s3(model: Model, trail: Resource) -> Answer:
    return _each(bucket_target(model, trail, "s3_bucket_name"), "s3_bucket_name",
                 lambda bucket: _cloudtrail_s3(model, trail, bucket))


def _cloudtrail_s3(model: Model, trail: Resource, bucket: Resource) -> Answer:
    p, account, region, partition = _where(model, trail)
    trail_arn = trail_arn_text(model, trail)
    prefix = key_prefix_text(model, trail, "s3_key_prefix")
    bucket_arn = bucket_arn_text(model, bucket)
    kt = key_target(model, trail, "kms_key_id")
    key = kt.key if kt is not None and kt.problem is None and not kt.aws_managed else None
    source = {"aws:sourcearn": trail_arn, "aws:sourceaccount": account, "aws:sourceowner": ABSENT}
    policies = bucket_policies(model, bucket)
    missing = no_bucket_policy(bucket, CLOUDTRAIL)
    principal = service_principal(CLOUDTRAIL)

    def put(base: Text, sample: Text, folder: Text) -> Request:
        ctx = service_context(model, trail, CLOUDTRAIL, {**source, "s3:x-amz-acl": ACL_OWNER, **sse_headers(key, model)})
        return Request(principal, "s3:PutObject", text(bucket_arn, "/", prefix, base, sample), ctx,
                       resource_label=show(text(bucket_arn, "/", prefix, base, folder)) + "*")

    logs = text("AWSLogs/", account, "/")
    requests = [
        Request(principal, "s3:GetBucketAcl", bucket_arn,
                service_context(model, trail, CLOUDTRAIL, {**source, "s3:x-amz-acl": ABSENT})),
        put(logs, text("CloudTrail/", region, f"/{DAY}/", account, "_CloudTrail_", region,
                       "_20260101T0000Z_a1b2c3d4e5f6a7b8.json.gz"), ("CloudTrail/",)),
    ]
    if trail.values.get("enable_log_file_validation") is True:
        requests.append(put(logs, text("CloudTrail-Digest/", region, f"/{DAY}/", account, "_CloudTrail-Digest_",
                                       region, "_", trail.values.get("name") or "trail", "_", region,
                                       "_20260101T000000Z.json.gz"), ("CloudTrail-Digest/",)))
    org = trail.values.get("is_organization_trail")
    if org is True or org is UNKNOWN:
        member = Sym("account", f"{p}:member")
        requests.append(put(text("AWSLogs/", facts(model).org_text(p), "/"),
                            text(member, "/CloudTrail/", region, f"/{DAY}/", member, "_CloudTrail_", region,
                                 "_20260101T0000Z_a1b2c3d4e5f6a7b8.json.gz"), ()))
    answers = []
    for req in requests:
        a = service_may(policies, req, missing)
        if org is UNKNOWN and a.status == FAIL and "<organization id>" in req.resource_label:
            a = Answer(UNKNOWN_STATUS, f"{a.text} -- needed if it is an organization trail "
                                       "(is_organization_trail is not known until apply)")
        answers.append(a)
    result = [combine(answers)]
    # the key: the trail's own (SSE-KMS by CloudTrail), else the bucket's default SSE-KMS key
    if kt is not None:
        result.append(_service_key(model, kt, CLOUDTRAIL, ("kms:GenerateDataKey", "kms:DescribeKey"), {
            **service_context(model, trail, CLOUDTRAIL, source),
            "kms:encryptioncontext:aws:cloudtrail:arn": [trail_arn],
            "kms:encryptioncontextkeys": [("aws:cloudtrail:arn",), ("aws:s3:arn",)],
            "kms:encryptioncontext:aws:s3:arn": [text(bucket_arn, "/", prefix, logs, "CloudTrail/x.json.gz")],
        }, trail, "kms_key_id"))
    else:
        enc = default_encryption(model, bucket)
        bkt, problem = _bucket_default_key(model, bucket, enc)
        if problem is not None:
            result.append(problem)
        elif bkt is not None:
            obj = text(bucket_arn, "/", prefix, logs, "CloudTrail/x.json.gz")
            result.append(_service_key(model, bkt, CLOUDTRAIL, ("kms:GenerateDataKey",), {
                **service_context(model, trail, CLOUDTRAIL, {"aws:sourcearn": UNKNOWN, "aws:sourceaccount": UNKNOWN}),
                **_s3_kms_context(model, bucket, enc, obj)}, trail, f"{bucket.address} default encryption"))
    return prefixed(f"→ {bucket.address}", combine(result))


# =============================================================================
# role-based pipes (CloudTrail -> CloudWatch Logs, VPC Flow Logs -> CloudWatch Logs)
# =============================================================================
def _role_writes_group(model: Model, writer: Resource, service: str, role_path: str, group: Resource,
                       stream: Text, source_arn: Text, service_label: str) -> Answer:
    rt = role_target(model, writer, role_path, f"{service_label} assumes")
    if rt is None:
        return Answer(FAIL, f"{role_path} is not set: {service_label} has no role to write to {group.address}")
    if rt.problem is not None:
        return rt.problem
    role = rt.role
    _, account, _, _ = _where(model, writer)
    trust_req = Request(service_principal(service), "sts:AssumeRole", role_arn_text(model, role),
                        service_context(model, writer, service, {"aws:sourcearn": source_arn,
                                                                 "aws:sourceaccount": account}),
                        resource_label=role.address)
    trust = may_assume(trust_policy(model, role), trust_req)
    identity, boundaries = role_policies(model, role)
    principal = role_principal(model, role)
    stream_arn = text(log_group_arn_text(model, group), ":log-stream:", stream)
    writes = [role_may([], identity, boundaries,
                       Request(principal, action, stream_arn, role_context(model, role),
                               resource_label=f"{group.address} streams"), via="iam")
              for action in ("logs:CreateLogStream", "logs:PutLogEvents")]
    return prefixed(f"→ {group.address} as {role.address}", combine([trust] + writes))


def cloudtrail_logs(model: Model, trail: Resource) -> Answer | None:
    value = trail.values.get("cloud_watch_logs_group_arn")
    if (value is None or value == "") and not trail.refs_under("cloud_watch_logs_group_arn"):
        return None
    _, account, region, _ = _where(model, trail)
    return _each(log_group_target(model, trail, "cloud_watch_logs_group_arn"), "cloud_watch_logs_group_arn",
                 lambda group: _role_writes_group(model, trail, CLOUDTRAIL, "cloud_watch_logs_role_arn", group,
                                                  text(account, "_CloudTrail_", region), trail_arn_text(model, trail),
                                                  "CloudTrail"))


def flow_log_logs(model: Model, flow: Resource) -> Answer | None:
    kind = flow.values.get("log_destination_type")
    if kind not in (None, "", "cloud-watch-logs"):
        return None if kind != UNKNOWN else Answer(UNKNOWN_STATUS, "log_destination_type is not known until apply")
    path = "log_destination"
    if not (flow.values.get(path) or flow.refs_under(path)) and (flow.values.get("log_group_name")
                                                                  or flow.refs_under("log_group_name")):
        path = "log_group_name"
    cross = flow.values.get("deliver_cross_account_role")
    if cross is not None and cross != "":  # set, or not known until apply
        return Answer(UNKNOWN_STATUS, "deliver_cross_account_role is set: delivery goes through another "
                                      "account's role, which auditgate does not evaluate")
    fid = flow.values.get("id")
    source_arn = regional_arn(model, flow, "ec2", text("vpc-flow-log/", fid if isinstance(fid, str) and fid
                                                       else Sym("ref", f"{flow.address}.id")))
    return _each(log_group_target(model, flow, path), path,
                 lambda group: _role_writes_group(model, flow, FLOW_LOGS, "iam_role_arn", group,
                                                  ("eni-0a1b2c3d4e5f67890-all",), source_arn, "VPC Flow Logs"))


# =============================================================================
# encrypted log groups
# =============================================================================
def log_group_key(model: Model, group: Resource) -> Answer | None:
    kt = key_target(model, group, "kms_key_id")
    if kt is None:
        return None
    _, _, region, _ = _where(model, group)
    group_arn = log_group_arn_text(model, group)
    service = text("logs.", region, ".amazonaws.com")
    ctx = service_context(model, group, show(service), {
        "kms:encryptioncontext:aws:logs:arn": [group_arn], "kms:encryptioncontextkeys": [("aws:logs:arn",)]})
    ctx["aws:principalservicename"] = [service]
    return _service_key(model, kt, service, ("kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"), ctx, group,
                        "kms_key_id")


# =============================================================================
# AWS Config -> S3
# =============================================================================
def config_s3(model: Model, channel: Resource) -> Answer:
    return _each(bucket_target(model, channel, "s3_bucket_name"), "s3_bucket_name",
                 lambda bucket: _config_s3(model, channel, bucket))


def _config_s3(model: Model, channel: Resource, bucket: Resource) -> Answer:
    _, account, region, _ = _where(model, channel)
    prefix = key_prefix_text(model, channel, "s3_key_prefix")
    bucket_arn = bucket_arn_text(model, bucket)
    obj = text(bucket_arn, "/", prefix, "AWSLogs/", account, "/Config/", region,
               "/2026/1/1/ConfigHistory/", account, "_Config_", region,
               "_ConfigHistory_AWS::S3::Bucket_20260101T000000Z_20260101T000000Z_1.json.gz")
    shown_obj = show(text(bucket_arn, "/", prefix, "AWSLogs/", account, "/Config/")) + "*"
    kt = key_target(model, channel, "s3_kms_key_arn")
    own_key = kt.key if kt is not None and kt.problem is None and not kt.aws_managed else None
    enc = default_encryption(model, bucket) if kt is None else None
    bucket_key, enc_problem = _bucket_default_key(model, bucket, enc) if enc is not None else (None, None)
    policies = bucket_policies(model, bucket)
    headers = sse_headers(own_key, model)

    def requests(principal, context_for) -> list[Request]:
        return [Request(principal, "s3:GetBucketAcl", bucket_arn, context_for({"s3:x-amz-acl": ABSENT})),
                Request(principal, "s3:ListBucket", bucket_arn, context_for({"s3:x-amz-acl": ABSENT,
                                                                             "s3:prefix": ABSENT})),
                Request(principal, "s3:PutObject", obj, context_for({"s3:x-amz-acl": ACL_OWNER, **headers}),
                        resource_label=shown_obj)]

    # AWS Config itself (the service principal, as with the service-linked role)
    source = {"aws:sourceaccount": account}
    svc = service_principal(CONFIG)
    svc_answers = [service_may(policies, r, no_bucket_policy(bucket, CONFIG))
                   for r in requests(svc, lambda extra: service_context(model, channel, CONFIG, {**source, **extra}))]
    kms_ctx = {**service_context(model, channel, CONFIG, source),
               "kms:encryptioncontext:aws:s3:arn": [obj], "kms:encryptioncontextkeys": [("aws:s3:arn",)]}
    if kt is not None:
        svc_answers.append(_service_key(model, kt, CONFIG, ("kms:GenerateDataKey", "kms:Decrypt"), kms_ctx, channel,
                                        "s3_kms_key_arn"))
    elif enc_problem is not None:
        svc_answers.append(enc_problem)
    elif bucket_key is not None:
        svc_answers.append(_service_key(model, bucket_key, CONFIG, ("kms:GenerateDataKey", "kms:Decrypt"), {
            **kms_ctx, **_s3_kms_context(model, bucket, enc, obj)}, channel, f"{bucket.address} default encryption"))
    paths = [prefixed(f"→ {bucket.address} as {CONFIG}", combine(svc_answers))]
    # the recorder's role (AWS Config uses it for a bucket of the same account)
    # (the recorder of the channel's own account: another account's recorder never writes here)
    for recorder in model.of_type_in(model.account_of(channel), "aws_config_configuration_recorder"):
        rt = role_target(model, recorder, "role_arn", "AWS Config uses")
        if rt is None or rt.problem is not None or rt.role is None:
            continue
        role = rt.role
        identity, boundaries = role_policies(model, role)
        principal = role_principal(model, role)
        answers = [role_may(policies, identity, boundaries, r, via="s3")
                   for r in requests(principal, lambda extra: role_context(model, role, extra))]
        key = own_key or (bucket_key.key if bucket_key is not None and bucket_key.problem is None else None)
        key_t = kt if kt is not None else bucket_key
        if key_t is not None and (key_t.problem is not None or key_t.aws_managed):
            answers.append(key_t.problem or aws_managed_note("the key", key_t.aws_managed))
        elif key is not None:
            ctx = role_context(model, role, {"kms:resourcealiases": key_aliases(model, key) or ABSENT,
                                             "kms:encryptioncontext:aws:s3:arn": [obj],
                                             "kms:viaservice": [text("s3.", region, ".amazonaws.com")]})
            for action in ("kms:GenerateDataKey", "kms:Decrypt"):
                answers.append(role_may(key_policies(model, key), identity, boundaries,
                                        Request(principal, action, key_arn_text(model, key), ctx,
                                                resource_label=key.address), via="kms"))
        elif enc_problem is not None:
            answers.append(enc_problem)
        paths.append(prefixed(f"→ {bucket.address} as {role.address} (the recorder's role)", combine(answers)))
    return best(paths)


# =============================================================================
# S3 server access logs
# =============================================================================
_LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery"


def _acl_grant(model: Model, target: Resource) -> Answer:
    """Does an ACL let the S3 log delivery group write (only where ACLs are in force)?"""
    grants: list[str] = []
    acls = _s3.sub_resources(model, target, "aws_s3_bucket_acl")
    for acl in acls:
        if acl.values.get("acl") == "log-delivery-write":
            grants.append(f'{acl.address} acl = "log-delivery-write"')
        for acp in acl.blocks("access_control_policy"):
            for g in acp.get("grant") or [] if isinstance(acp.get("grant"), list) else []:
                if not isinstance(g, dict):
                    continue
                for grantee in g.get("grantee") or []:
                    if isinstance(grantee, dict) and grantee.get("uri") == _LOG_DELIVERY and \
                            g.get("permission") in ("WRITE", "FULL_CONTROL"):
                        grants.append(f"{acl.address} grants {g.get('permission')} to the LogDelivery group")
    if target.values.get("acl") == "log-delivery-write":
        grants.append(f'{target.address} acl = "log-delivery-write"')
    for g in target.blocks("grant"):
        perms = g.get("permissions") or []
        if g.get("uri") == _LOG_DELIVERY and isinstance(perms, list) and {"WRITE", "FULL_CONTROL"} & set(perms):
            grants.append(f"{target.address} grant to the LogDelivery group")
    if not grants:
        return Answer(FAIL, f"no ACL of {target.address} grants the LogDelivery group WRITE either")
    owners = _s3.sub_resources(model, target, "aws_s3_bucket_ownership_controls")
    modes = [o.get("rule.0.object_ownership") for o in owners]
    if any(m is UNKNOWN for m in modes):
        return Answer(UNKNOWN_STATUS, f"{grants[0]}, but object ownership of {target.address} is not known until "
                                      "apply (with BucketOwnerEnforced ACLs grant nothing)")
    if modes and all(m in ("ObjectWriter", "BucketOwnerPreferred") for m in modes):
        return Answer(PASS, f"{grants[0]} (ACLs in force: object_ownership = {fmt(modes[0])})", grants)
    if not modes and "create" not in target.actions:
        return Answer(UNKNOWN_STATUS, f"{grants[0]}, but the existing bucket's object ownership is not in this "
                                      "configuration (with BucketOwnerEnforced ACLs grant nothing)")
    shown = "BucketOwnerEnforced" if modes else "BucketOwnerEnforced, the default for new buckets"
    return Answer(FAIL, f"{grants[0]}, but object ownership is {shown}: ACLs are disabled and grant nothing")


def access_log_target(model: Model, subject: Resource, path: str, source: Resource | None) -> Answer:
    return _each(bucket_target(model, subject, path), path,
                 lambda target: _access_log_target(model, subject, path, source, target))


def _access_log_target(model: Model, subject: Resource, path: str, source: Resource | None,
                       target: Resource) -> Answer:
    checks: list[Answer] = []
    locked = _s3.object_lock_implied(model, target)
    if locked is not None:
        checks.append(Answer(FAIL, f"{target.address} has S3 Object Lock ({locked.address}): AWS does not deliver "
                                   "server access logs to a bucket with Object Lock"))
    enc = default_encryption(model, target)
    if enc.algorithm is UNKNOWN:
        checks.append(Answer(UNKNOWN_STATUS, f"{enc.text}: cannot tell whether access logs can be delivered"))
    elif enc.algorithm in ("aws:kms", "aws:kms:dsse"):
        checks.append(Answer(FAIL, f"{enc.text}: AWS delivers server access logs only to buckets whose default "
                                   "encryption is SSE-S3 (AES256); SSE-KMS is not supported"))
    _, account, region, _ = _where(model, subject)
    target_arn = bucket_arn_text(model, target)
    prefix_value = subject.get(path.replace("target_bucket", "target_prefix"))
    prefix = (prefix_value,) if isinstance(prefix_value, str) else (() if prefix_value is None else
                                                                     (Sym("ref", f"{subject.address}.target_prefix"),))
    source_name = bucket_name_text(model, source) if source is not None else (Sym("any", "source"),)
    partitioned = bool(subject.get("target_object_key_format.0.partitioned_prefix"))
    sample = text(account, "/", region, "/", source_name, "/2026/01/01/") if partitioned else ()
    obj = text(target_arn, "/", prefix, sample, "2026-01-01-00-00-00-A1B2C3D4E5F6A7B8")
    source_arn = bucket_arn_text(model, source) if source is not None else (Sym("any", "source-arn"),)
    req = Request(service_principal(S3_LOGGING), "s3:PutObject", obj,
                  service_context(model, subject, S3_LOGGING, {
                      "aws:sourcearn": source_arn, "aws:sourceaccount": account, "s3:x-amz-acl": ABSENT,
                      **sse_headers(None, model)}),
                  resource_label=show(text(target_arn, "/", prefix)) + "*")
    policies = bucket_policies(model, target)
    by_policy = service_may(policies, req, no_bucket_policy(target, S3_LOGGING))
    if by_policy.status != PASS:
        by_acl = _acl_grant(model, target)
        if by_acl.status == PASS or (by_acl.status == UNKNOWN_STATUS and by_policy.status == FAIL):
            by_policy = by_acl
        elif by_policy.status == FAIL:
            by_policy = Answer(FAIL, f"{by_policy.text}; {by_acl.text}")
    checks.append(by_policy)
    return prefixed(f"→ {target.address}", combine(checks))


# =============================================================================
# GuardDuty -> S3
# =============================================================================
def guardduty_s3(model: Model, dest: Resource) -> Answer:
    return _each(bucket_target(model, dest, "destination_arn"), "destination_arn",
                 lambda bucket: _guardduty_s3(model, dest, bucket))


def _arn_prefix(model: Model, resource: Resource, path: str, bucket: Resource) -> Text:
    """The key prefix of an S3 ARN attribute (``arn:aws:s3:::bucket/prefix``) as ``prefix/``."""
    value = ref_text(model, resource, path)
    base = bucket_arn_text(model, bucket)
    if value == base:
        return ()
    if value[:len(base)] == base and value[len(base):len(base) + 1] and isinstance(value[len(base)], str) \
            and value[len(base)].startswith("/"):
        rest = text(value[len(base)][1:], *value[len(base) + 1:])
        if is_literal(rest):
            stripped = literal(rest).strip("/")
            return (stripped + "/",) if stripped else ()
        return text(rest, "/")
    known = literal(value)
    if known is not None:
        _, prefix = parse_s3_arn(known)
        if prefix is not None:
            prefix = prefix.strip("/")
            return (prefix + "/",) if prefix else ()
    return (Sym("any", f"{resource.address}.prefix"),)


def _guardduty_s3(model: Model, dest: Resource, bucket: Resource) -> Answer:
    _, account, region, _ = _where(model, dest)
    prefix = _arn_prefix(model, dest, "destination_arn", bucket)
    detectors = model.targets(dest, "detector_id", "aws_guardduty_detector")
    detector_arn = (detector_arn_text(model, detectors[0]) if len(detectors) == 1 else
                    regional_arn(model, dest, "guardduty", text("detector/", Sym("ref", f"{dest.address}.detector_id"))))
    kt = key_target(model, dest, "kms_key_arn")
    if kt is None:
        return Answer(FAIL, "kms_key_arn is not set: GuardDuty exports findings only encrypted with a KMS key")
    key = kt.key if kt.problem is None and not kt.aws_managed else None
    bucket_arn = bucket_arn_text(model, bucket)
    source = {"aws:sourceaccount": account, "aws:sourcearn": detector_arn}
    principal = service_principal(GUARDDUTY)
    obj = text(bucket_arn, "/", prefix, "AWSLogs/", account, "/GuardDuty/", region,
               f"/{DAY}/0a1b2c3d-4e5f-6789-abcd-ef0123456789.jsonl.gz")
    policies = bucket_policies(model, bucket)
    missing = no_bucket_policy(bucket, GUARDDUTY)
    answers = [
        service_may(policies, Request(principal, "s3:GetBucketLocation", bucket_arn,
                                      service_context(model, dest, GUARDDUTY, {**source, "s3:x-amz-acl": ABSENT})),
                    missing),
        service_may(policies, Request(principal, "s3:PutObject", obj,
                                      service_context(model, dest, GUARDDUTY, {**source, "s3:x-amz-acl": ABSENT,
                                                                               **sse_headers(key, model)}),
                                      resource_label=show(text(bucket_arn, "/", prefix)) + "*"), missing),
    ]
    answers.append(_service_key(model, kt, GUARDDUTY, ("kms:GenerateDataKey",),
                                service_context(model, dest, GUARDDUTY, source), dest, "kms_key_arn"))
    return prefixed(f"→ {bucket.address}", combine(answers))


# =============================================================================
# Session Manager -> CloudWatch Logs / S3 (the instance profile's role writes)
# =============================================================================
def ssm_roles(model: Model) -> list[tuple[Resource, Resource]]:
    """(instance profile, role) of every instance profile whose role can run Session Manager
    (its policies allow ``ssmmessages:OpenDataChannel``)."""
    out = []
    for profile in model.of_type("aws_iam_instance_profile"):
        for role in model.targets(profile, "role", "aws_iam_role"):
            identity, boundaries = role_policies(model, role)
            probe = Request(role_principal(model, role), "ssmmessages:OpenDataChannel", ("*",),
                            role_context(model, role))
            if role_may([], identity, boundaries, probe, via="iam").status == PASS:
                out.append((profile, role))
    return out


def session_requirements(model: Model, doc: Resource) -> tuple[list, Answer | None]:
    """What a session-logging instance must be allowed to do, per the preferences document:
    [(label, kind, target, extra)] -- or why the document cannot be read."""
    inputs, why = session_inputs(doc)
    if inputs is None:
        return [], Answer(UNKNOWN_STATUS, f"{doc.address} {why}: cannot tell where sessions are logged")
    needs: list = []
    group_value = inputs.get("cloudWatchLogGroupName")
    if group_value not in (None, ""):
        t = log_group_target(model, doc, "content", value=group_value if isinstance(group_value, str) else None)
        needs.append(("group", t, truthy_flag(inputs.get("cloudWatchEncryptionEnabled"))))
    bucket_value = inputs.get("s3BucketName")
    if bucket_value not in (None, ""):
        t = bucket_target(model, doc, "content", value=bucket_value if isinstance(bucket_value, str) else None)
        needs.append(("bucket", t, (truthy_flag(inputs.get("s3EncryptionEnabled")), inputs.get("s3KeyPrefix"))))
    key_value = inputs.get("kmsKeyId")
    if key_value not in (None, ""):
        if isinstance(key_value, str):
            needs.append(("key", key_from_value(model, key_value, "kmsKeyId"), None))
        elif names_session_key(key_value):  # kmsKeyId = aws_kms_key.x.key_id
            address = key_value.parts[0].refs[0].rpartition(".")[0]
            keys = [k for k in model.instances(address) if k.type == "aws_kms_key" and k.mode == "managed"]
            needs.append(("key", KeyTarget(keys[0]) if len(keys) == 1 else KeyTarget(problem=Answer(
                UNKNOWN_STATUS, f"kmsKeyId refers to {address}, which is not one KMS key of this configuration")), None))
        else:
            needs.append(("key", KeyTarget(problem=Answer(UNKNOWN_STATUS, "kmsKeyId is not known until apply")), None))
    return needs, None


def session_logging(model: Model, profile: Resource, role: Resource, doc: Resource, needs: list) -> Answer:
    identity, boundaries = role_policies(model, role)
    answers: list[Answer] = []
    for kind, target, extra in needs:
        if kind == "group":
            answers.append(_each(target, "cloudWatchLogGroupName",
                                 lambda group: _session_group(model, role, identity, boundaries, group, extra)))
        elif kind == "bucket":
            answers.append(_each(target, "s3BucketName",
                                 lambda bucket: _session_bucket(model, role, identity, boundaries, bucket, extra)))
        elif kind == "key":
            answers.append(_role_key(model, role, identity, boundaries, target, "kms:Decrypt", {}, "kmsKeyId"))
    return prefixed(f"{doc.address} sessions, as {role.address}", combine(answers))


def _session_group(model: Model, role: Resource, identity, boundaries, group: Resource, encrypted: bool) -> Answer:
    principal = role_principal(model, role)
    stream = text(log_group_arn_text(model, group), ":log-stream:", "user-0a1b2c3d4e5f67890")
    answers = [role_may([], identity, boundaries, Request(principal, action, stream, role_context(model, role),
                                                          resource_label=f"{group.address} streams"), via="iam")
               for action in ("logs:CreateLogStream", "logs:PutLogEvents")]
    if encrypted:  # cloudWatchEncryptionEnabled: the agent checks that the group is encrypted
        answers.append(role_may([], identity, boundaries, Request(
            principal, "logs:DescribeLogGroups", regional_arn(model, role, "logs", ("log-group::log-stream:",)),
            role_context(model, role), resource_label="log groups"), via="iam"))
    return combine(answers)


def _session_bucket(model: Model, role: Resource, identity, boundaries, bucket: Resource, extra: tuple) -> Answer:
    principal = role_principal(model, role)
    encrypted, prefix_value = extra
    prefix = ((prefix_value.strip("/") + "/",) if isinstance(prefix_value, str) and prefix_value.strip("/")
              else () if prefix_value in (None, "") else (Sym("any", "prefix"),))
    bucket_arn = bucket_arn_text(model, bucket)
    obj = text(bucket_arn, "/", prefix, "user-0a1b2c3d4e5f67890.log")
    policies = bucket_policies(model, bucket)
    answers = [role_may(policies, identity, boundaries, Request(
        principal, "s3:PutObject", obj, role_context(model, role, {"s3:x-amz-acl": UNKNOWN}),
        resource_label=show(text(bucket_arn, "/", prefix)) + "*"), via="s3")]
    if encrypted:  # s3EncryptionEnabled: the agent checks that the bucket is encrypted
        answers.append(role_may(policies, identity, boundaries, Request(
            principal, "s3:GetEncryptionConfiguration", bucket_arn, role_context(model, role)), via="s3"))
    enc = default_encryption(model, bucket)
    bkt, problem = _bucket_default_key(model, bucket, enc)
    if problem is not None:
        answers.append(problem)
    elif bkt is not None:
        answers.append(_role_key(model, role, identity, boundaries, bkt, "kms:GenerateDataKey",
                                 _s3_kms_context(model, bucket, enc, obj), f"{bucket.address} default encryption"))
    return combine(answers)


def _role_key(model: Model, role: Resource, identity, boundaries, kt: KeyTarget | None, action: str, extra: dict,
              what: str) -> Answer:
    if kt is None:
        return Answer(PASS, "")
    if kt.aws_managed:
        return aws_managed_note(what, kt.aws_managed)
    if kt.problem is not None:
        return kt.problem
    key = kt.key
    state = key_state(key)
    if state is not None:
        return state
    ctx = role_context(model, role, {"kms:resourcealiases": key_aliases(model, key) or ABSENT, **extra})
    return role_may(key_policies(model, key), identity, boundaries,
                    Request(role_principal(model, role), action, key_arn_text(model, key), ctx,
                            resource_label=key.address), via="kms")

