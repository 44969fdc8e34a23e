"""The IAM evaluation behind the delivery rules (lint_rules/rules/_grants.py): statements, conditions,
principals, explicit Deny, and values known only at apply (symbols and worlds)."""
from __future__ import annotations

import pytest

from lint_rules.engine import FAIL, PASS, UNKNOWN_STATUS
from lint_rules.model import UNKNOWN
from lint_rules.rules._grants import (ABSENT, Policy, Principal, Request, known_policy, match, role_may,
                                      service_may, service_principal)
from lint_rules.rules._symbolic import Sym

ACCOUNT = "111122223333"
BUCKET = "arn:aws:s3:::logs"
OBJECT = "arn:aws:s3:::logs/AWSLogs/111122223333/CloudTrail/us-east-1/x.json.gz"
TRAIL = "arn:aws:cloudtrail:us-east-1:111122223333:trail/main"


def stmt(effect="Allow", action=("s3:PutObject",), resource=("arn:aws:s3:::logs/*",), principal=None,
         condition=None, not_action=(), not_resource=(), not_principal=None, sid="S"):
    def texts(values):
        return [v if isinstance(v, tuple) else (v,) for v in values]
    def principal_of(p):
        if p is None or p == "*":
            return p
        return {k: texts(v if isinstance(v, (list, tuple)) else [v]) for k, v in p.items()}
    return {"_label": f"statement {sid!r}", "Sid": sid, "Effect": effect, "Action": list(action),
            "NotAction": list(not_action), "Resource": texts(resource), "NotResource": texts(not_resource),
            "Principal": principal_of(principal if principal is not None else {"Service": "cloudtrail.amazonaws.com"}),
            "NotPrincipal": principal_of(not_principal),
            "Condition": {op: {k: texts(v if isinstance(v, list) else [v]) for k, v in body.items()}
                          for op, body in (condition or {}).items()}}


def policy(*statements, kind="resource"):
    return Policy("bucket policy", list(statements), kind=kind)


def put(context=None, resource=OBJECT, action="s3:PutObject", service="cloudtrail.amazonaws.com"):
    ctx = {"aws:sourcearn": [(TRAIL,)], "aws:sourceaccount": [(ACCOUNT,)], "aws:securetransport": [("true",)],
           "s3:x-amz-acl": [("bucket-owner-full-control",)], "aws:principalorgid": ABSENT,
           "s3:x-amz-server-side-encryption": ABSENT}
    ctx.update(context or {})
    return Request(service_principal(service), action, (resource,) if isinstance(resource, str) else resource, ctx)


def status(p, req=None):
    return service_may([p], req or put()).status


# --- actions, resources, principals -----------------------------------------------------------
@pytest.mark.parametrize("actions,expected", [
    (("s3:PutObject",), PASS), (("s3:Put*",), PASS), (("s3:*",), PASS), (("*",), PASS), (("S3:putobject",), PASS),
    (("s3:GetObject",), FAIL), (("s3:PutObjectAcl",), FAIL),
])
def test_action_patterns(actions, expected):
    assert status(policy(stmt(action=actions))) == expected


def test_not_action_and_not_resource():
    assert status(policy(stmt(action=(), not_action=("s3:Get*",)))) == PASS
    assert status(policy(stmt(action=(), not_action=("s3:Put*",)))) == FAIL
    assert status(policy(stmt(resource=(), not_resource=("arn:aws:s3:::other/*",)))) == PASS
    assert status(policy(stmt(resource=(), not_resource=("arn:aws:s3:::logs/*",)))) == FAIL


@pytest.mark.parametrize("resource,expected", [
    ("arn:aws:s3:::logs/*", PASS), ("arn:aws:s3:::logs/AWSLogs/111122223333/*", PASS),
    ("arn:aws:s3:::logs/AWSLogs/?????????????/*", FAIL), ("arn:aws:s3:::logs/AWSLogs/????????????/*", PASS),
    ("arn:aws:s3:::logs", FAIL), ("arn:aws:s3:::logs/AWSLogs/444455556666/*", FAIL), ("*", PASS),
    ("arn:aws:s3:::logs[1]/*", FAIL),  # IAM has no character classes: "[" is literal
])
def test_resource_patterns(resource, expected):
    assert status(policy(stmt(resource=(resource,)))) == expected


@pytest.mark.parametrize("principal,expected", [
    ({"Service": "cloudtrail.amazonaws.com"}, PASS), ({"Service": ["config.amazonaws.com", "cloudtrail.amazonaws.com"]}, PASS),
    ({"Service": "CloudTrail.amazonaws.com"}, PASS), ("*", PASS), ({"AWS": "*"}, PASS),
    ({"Service": "config.amazonaws.com"}, FAIL), ({"AWS": "arn:aws:iam::111122223333:root"}, FAIL),
])
def test_principal_forms(principal, expected):
    assert status(policy(stmt(principal=principal))) == expected


def test_not_principal():
    assert status(policy(stmt(principal=None, not_principal={"Service": "config.amazonaws.com"}) | {"Principal": None})) == PASS


def test_statement_without_principal_grants_nothing_in_a_resource_policy():
    s = stmt()
    s["Principal"] = None
    assert status(policy(s)) == FAIL


# --- explicit deny -----------------------------------------------------------------------------
def test_tls_only_deny_does_not_stop_a_service_but_a_blanket_deny_does():
    allow = stmt()
    tls = stmt(effect="Deny", action=("s3:*",), principal="*", condition={"Bool": {"aws:SecureTransport": "false"}},
               sid="TLS")
    assert status(policy(allow, tls)) == PASS
    blanket = stmt(effect="Deny", action=("s3:PutObject",), principal="*", sid="NoWrites")
    answer = service_may([policy(allow, blanket)], put())
    assert answer.status == FAIL and "NoWrites" in answer.text


def test_deny_exempting_services_by_principal_is_aws_service():
    allow = stmt()
    deny = stmt(effect="Deny", action=("s3:*",), principal="*", sid="OnlyOrg",
                condition={"StringNotEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}})
    # aws:PrincipalOrgID is absent for a service principal: the negated operator holds, the deny applies
    assert status(policy(allow, deny)) == FAIL
    deny["Condition"]["Bool"] = {"aws:PrincipalIsAWSService": [("false",)]}
    assert status(policy(allow, deny), put({"aws:principalisawsservice": [("true",)]})) == PASS


# --- conditions ----------------------------------------------------------------------------------
@pytest.mark.parametrize("condition,expected", [
    ({"StringEquals": {"aws:SourceArn": TRAIL}}, PASS),
    ({"StringEquals": {"aws:SourceArn": "arn:aws:cloudtrail:us-east-1:111122223333:trail/other"}}, FAIL),
    ({"ArnLike": {"aws:SourceArn": "arn:aws:cloudtrail:*:111122223333:trail/*"}}, PASS),
    ({"StringLike": {"aws:SourceArn": ["arn:aws:cloudtrail:*:444455556666:trail/*", TRAIL]}}, PASS),
    ({"StringEquals": {"aws:SourceAccount": "444455556666"}}, FAIL),
    ({"StringNotEquals": {"aws:SourceAccount": "444455556666"}}, PASS),
    ({"StringEqualsIgnoreCase": {"s3:x-amz-acl": "BUCKET-OWNER-FULL-CONTROL"}}, PASS),
    ({"StringEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}}, FAIL),  # absent: no match
    ({"StringEqualsIfExists": {"s3:x-amz-server-side-encryption": "aws:kms"}}, PASS),  # absent: holds
    ({"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}}, PASS),  # absent: negated holds
    ({"Null": {"s3:x-amz-server-side-encryption": "true"}}, PASS),
    ({"Null": {"s3:x-amz-server-side-encryption": "false"}}, FAIL),
    ({"ForAnyValue:StringEquals": {"aws:SourceAccount": [ACCOUNT, "444455556666"]}}, PASS),
    ({"ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}, PASS),  # absent: vacuously true
    ({"ForAnyValue:StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}, FAIL),
    ({"Bool": {"aws:SecureTransport": "true"}}, PASS),
    ({"NumericLessThan": {"s3:TlsVersion": "1.2"}}, UNKNOWN_STATUS),  # not in this request's context
    ({"StringEquals": {"aws:SourceVpce": "vpce-1"}}, UNKNOWN_STATUS),  # a key the request context does not define
    ({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}, UNKNOWN_STATUS),
])
def test_conditions(condition, expected):
    assert status(policy(stmt(condition=condition))) == expected


def test_condition_failure_is_named():
    answer = service_may([policy(stmt(condition={"StringEquals": {
        "aws:SourceArn": "arn:aws:cloudtrail:us-east-1:111122223333:trail/other"}}))], put())
    assert answer.status == FAIL and "aws:SourceArn" in answer.text and "trail/other" in answer.text


def test_unknown_policy_and_unknown_leaves():
    assert service_may([Policy("bucket policy", UNKNOWN, "its policy is known only at apply")], put()).status \
        == UNKNOWN_STATUS
    s = stmt()
    s["Resource"] = UNKNOWN
    assert status(policy(s)) == UNKNOWN_STATUS
    s = stmt(condition={"StringEquals": {"aws:SourceArn": TRAIL}})
    s["Condition"]["StringEquals"]["aws:SourceArn"] = UNKNOWN
    assert status(policy(s)) == UNKNOWN_STATUS
    # an unknown Deny never lets a pass through
    deny = stmt(effect="Deny", principal="*", sid="D")
    deny["Resource"] = UNKNOWN
    assert status(policy(stmt(), deny)) == UNKNOWN_STATUS


def test_a_deny_that_may_apply_matters_only_where_something_may_allow():
    """A Deny whose principal is known only at apply (trussworks/terraform-aws-logs' ELB statement, whose
    Effect is Deny when ELB logging is off) makes an Allow uncertain; with nothing that may allow the
    request, it fails whatever the Deny turns out to be."""
    maybe_deny = stmt(effect="Deny", principal={"AWS": UNKNOWN}, sid="elb-logs-put-object")
    answer = service_may([policy(maybe_deny)], put())
    assert answer.status == FAIL and "no statement" in answer.text
    answer = service_may([policy(stmt(), maybe_deny)], put())
    assert answer.status == UNKNOWN_STATUS and "elb-logs-put-object" in answer.text


def test_no_policy_at_all_fails():
    answer = service_may([Policy("bucket policy", None)], put(), missing="the bucket has no policy")
    assert answer.status == FAIL and "no policy" in answer.text


# --- symbols: values known only at apply ---------------------------------------------------
def test_same_symbol_on_both_sides_matches():
    acct = Sym("account", "aws")
    p = policy(stmt(resource=(("arn:aws:s3:::logs/AWSLogs/", acct, "/*"),),
                    condition={"StringEquals": {"aws:SourceAccount": [(acct,)]}}))
    req = put({"aws:sourceaccount": [(acct,)]}, resource=("arn:aws:s3:::logs/AWSLogs/", acct, "/CloudTrail/x"))
    assert service_may([p], req).status == PASS


def test_literal_account_against_an_unknown_one_is_unknown_and_says_which_value():
    acct = Sym("account", "aws")
    p = policy(stmt(condition={"StringEquals": {"aws:SourceAccount": ACCOUNT}}))
    answer = service_may([p], put({"aws:sourceaccount": [(acct,)]}))
    assert answer.status == UNKNOWN_STATUS and ACCOUNT in answer.text


def test_resource_of_another_bucket_fails_even_with_an_unknown_account():
    acct = Sym("account", "aws")
    p = policy(stmt(resource=("arn:aws:s3:::other/*",)))
    req = put(resource=("arn:aws:s3:::logs/AWSLogs/", acct, "/x"))
    assert service_may([p], req).status == FAIL


@pytest.mark.parametrize("pattern,value,expected", [
    ("a*", "abc", True), ("a?c", "abc", True), ("a?c", "abbc", False), ("*", "", True),
])
def test_match(pattern, value, expected):
    assert match(pattern, value) is expected


# --- roles ---------------------------------------------------------------------------------------
ROLE = Principal("role", ("arn:aws:iam::111122223333:role/writer",), ("111122223333",), "aws", "role writer")


def role_request(action="logs:PutLogEvents", resource="arn:aws:logs:us-east-1:111122223333:log-group:/g:log-stream:s"):
    return Request(ROLE, action, (resource,), {"aws:securetransport": [("true",)],
                                               "aws:principalarn": [ROLE.name]})


def identity(*statements):
    return Policy("role policy", list(statements), kind="identity")


def test_role_needs_an_identity_grant():
    grant = stmt(action=("logs:PutLogEvents",), resource=("arn:aws:logs:*:*:log-group:/g:*",), principal=None)
    grant["Principal"] = None
    assert role_may([], [identity(grant)], [], role_request(), via="iam").status == PASS
    assert role_may([], [], [], role_request(), via="iam").status == FAIL


def test_permissions_boundary_must_allow_too():
    grant = stmt(action=("logs:*",), resource=("*",))
    grant["Principal"] = None
    boundary = Policy("boundary", [dict(grant, Action=["s3:*"])], kind="boundary")
    assert role_may([], [identity(grant)], [boundary], role_request(), via="iam").status == FAIL
    boundary = Policy("boundary", [grant], kind="boundary")
    assert role_may([], [identity(grant)], [boundary], role_request(), via="iam").status == PASS


def test_kms_key_policy_must_allow_the_role_or_delegate_to_iam():
    key_arn = "arn:aws:kms:us-east-1:111122223333:key/k"
    req = role_request("kms:GenerateDataKey", key_arn)
    grant = stmt(action=("kms:GenerateDataKey",), resource=(key_arn,))
    grant["Principal"] = None
    root = stmt(action=("kms:*",), resource=("*",), principal={"AWS": "arn:aws:iam::111122223333:root"}, sid="Root")
    direct = stmt(action=("kms:GenerateDataKey",), resource=("*",),
                  principal={"AWS": "arn:aws:iam::111122223333:role/writer"}, sid="Direct")
    assert role_may([policy(root)], [identity(grant)], [], req, via="kms").status == PASS
    assert role_may([policy(root)], [], [], req, via="kms").status == FAIL
    assert role_may([policy(direct)], [], [], req, via="kms").status == PASS
    other = stmt(action=("kms:*",), resource=("*",), principal={"AWS": "arn:aws:iam::444455556666:root"})
    assert role_may([policy(other)], [identity(grant)], [], req, via="kms").status == FAIL


def test_aws_managed_policy_statements():
    managed = known_policy("AWS-managed policy CloudWatchAgentServerPolicy", [
        {"Sid": None, "Effect": "Allow", "Action": ["logs:PutLogEvents", "logs:CreateLogStream"], "NotAction": [],
         "Resource": ["*"], "NotResource": [], "Principal": None, "NotPrincipal": None, "Condition": {}}])
    assert role_may([], [managed], [], role_request(), via="iam").status == PASS


def test_a_resource_attribute_known_only_at_apply():
    name = Sym("ref", "aws_s3_bucket.trail.bucket")
    obj = ("arn:aws:s3:::", name, "/AWSLogs/111122223333/x")
    # the same attribute on both sides: equal whatever its value
    assert status(policy(stmt(resource=(("arn:aws:s3:::", name, "/*"),))), put(resource=obj)) == PASS
    # a literal name on one side: the bucket may be called that, or not
    assert status(policy(stmt(resource=("arn:aws:s3:::acme-trail-logs/*",))), put(resource=obj)) == UNKNOWN_STATUS
    # ... unless the known text already differs (the bucket itself, not its objects)
    assert status(policy(stmt(resource=("arn:aws:s3:::acme-trail-logs",))), put(resource=obj)) == FAIL
