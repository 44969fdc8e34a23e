"""Values known only in part, as the delivery rules (DLV) compare them.

A policy of a log bucket or key is often written with values terraform knows only at apply: the
account id from ``data.aws_caller_identity``, the region from ``data.aws_region``, a bucket's ARN.
The request a log service makes carries the *same* values (the trail's account, the bucket's
ARN).  To decide whether a policy lets the request through, both sides are written as
:data:`Text` -- a tuple of known text and :class:`Sym` bols standing for one unknown value:

- ``Sym("account", "aws")``: the account id of provider configuration ``aws`` (every
  ``data.aws_caller_identity`` of that provider, and every resource it manages, is in it);
- ``Sym("region", "aws")``: that provider's region;
- ``Sym("org", "aws")``: the organization id of that account;
- ``Sym("ref", "aws_s3_bucket.b.bucket")``: one attribute of one resource instance;
- ``Sym("any", n)``: anything else not known until apply (never equal to anything).

:mod:`._grants` then evaluates policies once per *world* -- an assignment of values to the
symbols -- and trusts a verdict only when every world gives it.

Reading partially known policies (HCL): an unknown piece of a string that refers to a resource
attribute (a :class:`~lint_rules.model.Hole` with references) is that attribute; an unknown piece
without references is identified from the data sources the attribute refers to and its place in
the string (``arn:<partition>:svc:<region>:<account>:...``, ``.../AWSLogs/<account>/...``,
``logs.<region>.amazonaws.com``), and is ``any`` when neither settles it.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Any, Iterable

from ..model import UNKNOWN, Hole, Model, PartialString, Resource, strip_index

# =============================================================================
# symbols and texts
# =============================================================================


@dataclass(frozen=True)
class Sym:
    kind: str  # "account", "region", "org", "ref", "any"
    key: str

    def __str__(self) -> str:
        if self.kind == "ref":
            return "${" + self.key + "}"
        if self.kind == "any":
            return "(known after apply)"
        if self.kind == "org":
            return "<organization id>"
        return f"<{self.kind}>"


Text = tuple  # of str and Sym; () is the empty string

_ANY_IDS = itertools.count(1)


def any_sym() -> Sym:
    return Sym("any", str(next(_ANY_IDS)))


def text(*parts: Any) -> Text:
    """Join str, Sym and Text pieces into one normalized Text (adjacent strings merged)."""
    out: list[Any] = []
    for p in parts:
        items = p if isinstance(p, tuple) else (p,)
        for item in items:
            if isinstance(item, str):
                if not item:
                    continue
                if out and isinstance(out[-1], str):
                    out[-1] += item
                    continue
            out.append(item)
    return tuple(out)


def show(value: Any) -> str:
    """A Text (or anything) for messages: ``arn:aws:s3:::b/AWSLogs/<account>/*``."""
    if isinstance(value, tuple):
        return "".join(str(p) for p in value)
    if value is UNKNOWN:
        return "(known after apply)"
    return str(value)


def is_literal(t: Text) -> bool:
    return all(isinstance(p, str) for p in t)


def literal(t: Text) -> str | None:
    return "".join(t) if is_literal(t) else None


def symbols(t: Any) -> Iterable[Sym]:
    if isinstance(t, tuple):
        for p in t:
            if isinstance(p, Sym):
                yield p


# =============================================================================
# what is known about the account, region and partition of a provider configuration
# =============================================================================
_ACCOUNT = re.compile(r"^\d{12}$")
REGION_RE = re.compile(r"^(?:[a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-\d+)$")


def provider_of(resource: Resource | None) -> str:
    key = getattr(resource, "provider", None) if resource is not None else None
    return key if isinstance(key, str) and key else "aws"


class Facts:
    """Account ids, regions and partitions this model states (cached per model)."""

    def __init__(self, model: Model):
        self.model = model
        self._accounts: dict[str, str | None] = {}
        self._regions: dict[str, str | None] = {}
        providers = getattr(model, "providers", None) or {}
        self._provider_configs = providers if isinstance(providers, dict) else {}
        # plan form: data sources read at plan time know the account and region
        self._data_accounts: dict[str, set[str]] = {}
        for r in model.data("aws_caller_identity"):
            v = r.values.get("account_id")
            if isinstance(v, str) and _ACCOUNT.match(v):
                self._data_accounts.setdefault(provider_of(r), set()).add(v)
        self._data_regions: dict[str, set[str]] = {}
        for r in model.data("aws_region"):
            for attr in ("region", "name"):
                v = r.values.get(attr)
                if isinstance(v, str) and REGION_RE.match(v):
                    self._data_regions.setdefault(provider_of(r), set()).add(v)
                    break
        self._partitions = {v for r in model.data("aws_partition")
                            for v in [r.values.get("partition")] if isinstance(v, str) and v}

    def account(self, provider: str) -> str | None:
        if provider not in self._accounts:
            found: str | None = None
            conf = self._provider_configs.get(provider)
            ids = getattr(conf, "account_ids", None)
            if isinstance(ids, (tuple, list)) and len(ids) == 1 and isinstance(ids[0], str) and _ACCOUNT.match(ids[0]):
                found = ids[0]
            if found is None:
                role = getattr(conf, "assume_role_arn", None)
                m = re.match(r"^arn:[^:]+:iam::(\d{12}):", role) if isinstance(role, str) else None
                found = m.group(1) if m else None
            if found is None:
                known = self._data_accounts.get(provider, set())
                if not known and len(self._data_accounts) == 1 and len(self._provider_configs) <= 1:
                    known = next(iter(self._data_accounts.values()))
                found = next(iter(known)) if len(known) == 1 else None
            if found is None and self._provider_configs:
                # a configuration sharing credentials with one whose account is known (an alias for
                # another region of the default provider) acts in that account
                key = self.account_key(provider)
                if _ACCOUNT.match(key):
                    found = key
                else:
                    known = {a for p, ids in self._data_accounts.items() if self.account_key(p) == key for a in ids}
                    found = next(iter(known)) if len(known) == 1 else None
            self._accounts[provider] = found
        return self._accounts[provider]

    def region(self, provider: str) -> str | None:
        if provider not in self._regions:
            found: str | None = None
            conf = self._provider_configs.get(provider)
            region = getattr(conf, "region", None)
            if isinstance(region, str) and REGION_RE.match(region):
                found = region
            if found is None:
                known = self._data_regions.get(provider, set())
                if not known and len(self._data_regions) == 1 and len(self._provider_configs) <= 1:
                    known = next(iter(self._data_regions.values()))
                found = next(iter(known)) if len(known) == 1 else None
            self._regions[provider] = found
        return self._regions[provider]

    def partition(self, provider: str) -> str:
        """The partition: what ``data.aws_partition`` says, else what the region implies, else
        ``aws`` (auditgate does not tell partitions apart when nothing says which)."""
        if len(self._partitions) == 1:
            return next(iter(self._partitions))
        region = self.region(provider) or ""
        if region.startswith("cn-"):
            return "aws-cn"
        if region.startswith("us-gov-"):
            return "aws-us-gov"
        return "aws"

    def account_key(self, provider: str) -> str:
        """Which account symbol ``provider`` acts in: configurations that name no account but share
        credentials (an alias for another region) act in one account (``Model.account_of``)."""
        label = self.model.account_of(provider) if self._provider_configs else provider
        return label if isinstance(label, str) and label else provider

    # --- as texts ---------------------------------------------------------------
    def account_text(self, provider: str) -> Text:
        known = self.account(provider)
        return (known,) if known else (Sym("account", self.account_key(provider)),)

    def org_text(self, provider: str) -> Text:
        return (Sym("org", self.account_key(provider)),)

    def region_text(self, provider: str, resource: Resource | None = None) -> Text:
        if resource is not None:
            own = resource.values.get("region")
            if isinstance(own, str) and REGION_RE.match(own):
                return (own,)
        known = self.region(provider)
        return (known,) if known else (Sym("region", provider),)


def facts(model: Model) -> Facts:
    cache = model.__dict__.setdefault("_delivery_cache", {})
    found = cache.get("facts")
    if found is None:
        found = cache["facts"] = Facts(model)
    return found


def model_cache(model: Model) -> dict:
    return model.__dict__.setdefault("_delivery_cache", {})


# =============================================================================
# canonical texts of resources (names and ARNs)
# =============================================================================
def _own(resource: Resource, attr: str) -> str | None:
    v = resource.values.get(attr)
    return v if isinstance(v, str) and v else None


def name_text(model: Model, resource: Resource, attr: str) -> Text:
    """A name-like attribute (``bucket``, ``name``): known, partially known, or a symbol."""
    known = _own(resource, attr)
    if known is not None:
        return (known,)
    form = resource.partial.get(attr) if resource.values.get(attr) is UNKNOWN else None
    if isinstance(form, PartialString):
        converted = from_partial(model, form, resource.refs_under(attr), provider_of(resource),
                                 resource=resource)
        if not any(s.kind == "any" for s in symbols(converted)):
            return converted
    return (Sym("ref", f"{resource.address}.{attr}"),)


def bucket_name_text(model: Model, bucket: Resource) -> Text:
    return name_text(model, bucket, "bucket")


def bucket_arn_text(model: Model, bucket: Resource) -> Text:
    known = _own(bucket, "arn")
    if known is not None:
        return (known,)
    f = facts(model)
    return text("arn:", f.partition(provider_of(bucket)), ":s3:::", bucket_name_text(model, bucket))


def key_id_text(model: Model, key: Resource) -> Text:
    for attr in ("key_id", "id"):
        known = _own(key, attr)
        if known is not None:
            return (known,)
    return (Sym("ref", f"{key.address}.key_id"),)


def regional_arn(model: Model, resource: Resource, service: str, rest: Text) -> Text:
    f = facts(model)
    p = provider_of(resource)
    return text("arn:", f.partition(p), f":{service}:", f.region_text(p, resource), ":",
                f.account_text(p), ":", rest)


def key_arn_text(model: Model, key: Resource) -> Text:
    known = _own(key, "arn")
    if known is not None:
        return (known,)
    return regional_arn(model, key, "kms", text("key/", key_id_text(model, key)))


def log_group_name_text(model: Model, group: Resource) -> Text:
    return name_text(model, group, "name")


def log_group_arn_text(model: Model, group: Resource) -> Text:
    """The log group's ARN as IAM and KMS see it (no trailing ``:*``)."""
    known = _own(group, "arn")
    if known is not None:
        return (known[:-2] if known.endswith(":*") else known,)
    return regional_arn(model, group, "logs", text("log-group:", log_group_name_text(model, group)))


def role_arn_text(model: Model, role: Resource) -> Text:
    known = _own(role, "arn")
    if known is not None:
        return (known,)
    f = facts(model)
    p = provider_of(role)
    path = _own(role, "path") or "/"
    return text("arn:", f.partition(p), ":iam::", f.account_text(p), ":role", path, name_text(model, role, "name"))


def trail_arn_text(model: Model, trail: Resource) -> Text:
    known = _own(trail, "arn")
    if known is not None:
        return (known,)
    return regional_arn(model, trail, "cloudtrail", text("trail/", name_text(model, trail, "name")))


def detector_arn_text(model: Model, detector: Resource) -> Text:
    known = _own(detector, "arn")
    if known is not None:
        return (known,)
    det_id = _own(detector, "id")
    return regional_arn(model, detector, "guardduty",
                        text("detector/", det_id if det_id else Sym("ref", f"{detector.address}.id")))


_CANONICAL = {
    ("aws_s3_bucket", "arn"): bucket_arn_text,
    ("aws_s3_bucket", "bucket"): bucket_name_text,
    ("aws_s3_bucket", "id"): bucket_name_text,
    ("aws_kms_key", "arn"): key_arn_text,
    ("aws_kms_key", "key_id"): key_id_text,
    ("aws_kms_key", "id"): key_id_text,
    ("aws_cloudwatch_log_group", "arn"): log_group_arn_text,
    ("aws_cloudwatch_log_group", "name"): log_group_name_text,
    ("aws_cloudwatch_log_group", "id"): log_group_name_text,
    ("aws_iam_role", "arn"): role_arn_text,
    ("aws_iam_role", "name"): lambda m, r: name_text(m, r, "name"),
    ("aws_iam_role", "id"): lambda m, r: name_text(m, r, "name"),
    ("aws_cloudtrail", "arn"): trail_arn_text,
    ("aws_guardduty_detector", "arn"): detector_arn_text,
}


def attribute_text(model: Model, resource: Resource, attr: str) -> Text:
    """The value of ``resource.<attr>``: known text, or its canonical symbolic form."""
    known = resource.values.get(attr)
    if isinstance(known, str) and known and not (resource.type == "aws_cloudwatch_log_group" and attr == "arn"):
        return (known,)
    builder = _CANONICAL.get((resource.type, attr))
    if builder is not None:
        return builder(model, resource)
    return (Sym("ref", f"{resource.address}.{attr}"),)


# =============================================================================
# converting partially known values
# =============================================================================
_CONTEXT_SOURCES = {"aws_caller_identity": "account", "aws_region": "region", "aws_partition": "partition",
                    "aws_organizations_organization": "org"}
_DATA_TYPE = re.compile(r'(?:^|\.)data\.([A-Za-z0-9_]+)\.[A-Za-z0-9_-]+$')


def context_kinds(refs: Iterable[str]) -> tuple[set[str], bool]:
    """(the context kinds -- account/region/partition/org -- among ``refs``, whether ``refs``
    also name anything else)."""
    kinds: set[str] = set()
    other = False
    for ref in refs:
        m = _DATA_TYPE.search(strip_index(ref))
        kind = _CONTEXT_SOURCES.get(m.group(1)) if m else None
        if kind:
            kinds.add(kind)
        else:
            other = True
    return kinds, other


_MARK = "\x00"


def _position_kind(before: str, after: str) -> str | None:
    """What an unknown piece is, from the text around it (``_MARK`` marks other unknown pieces):
    a whole field 1, 3 or 4 of an ARN (partition, region, account), the account after
    ``AWSLogs/``, or the region of a regional service principal (``logs.<region>.amazonaws.com``)."""
    if before.startswith("arn:"):
        n = before.count(":")
        if n <= 4 and before.endswith(":") and (after == "" or after.startswith(":")):
            return {1: "partition", 3: "region", 4: "account"}.get(n)
    if re.search(r"(?:^|/)AWSLogs/$", before) and (after == "" or after.startswith("/")):
        return "account"
    if re.fullmatch(r"[a-z0-9-]+\.", before) and re.fullmatch(r"\.amazonaws\.com(?:\.cn)?", after):
        return "region"
    return None


def _delimited(before: str, after: str) -> bool:
    """Is an unknown piece a whole word of its string (``acme-logs-<piece>``, ``<piece>/AWSLogs``)?"""
    return ((before == "" or before[-1] in "-_/:.") and (after == "" or after[0] in "-_/:.")
            and not before.endswith(_MARK) and not after.startswith(_MARK))


def from_partial(model: Model, value: Any, refs: Iterable[str], provider: str, *,
                 variable: str | None = None, resource: Resource | None = None, lumped: bool = False) -> Text:
    """A known, partially known or unknown leaf -> Text.

    ``refs``: what the attribute holding it refers to; ``variable``: the condition key the leaf
    is a value of (an unknown ``aws:SourceAccount`` value referring only to the caller's identity
    is the account id); ``lumped``: ``refs`` are those of a whole document, not of this leaf.
    """
    if isinstance(value, bool):
        return ("true" if value else "false",)
    if isinstance(value, (int, float)):
        return (str(value),)
    if isinstance(value, str):
        return (value,)
    refs = tuple(refs)
    kinds, other = context_kinds(refs)
    f = facts(model)
    if value is UNKNOWN or value is None:
        if (variable and variable.lower() in _ACCOUNT_KEYS and "account" in kinds
                and (lumped or (kinds == {"account"} and not other))):
            return f.account_text(provider)
        return (any_sym(),)
    if not isinstance(value, PartialString):
        return (any_sym(),)
    parts = value.parts
    out: list[Any] = []
    for i, part in enumerate(parts):
        if isinstance(part, str):
            out.append(part)
            continue
        if part.refs:
            out.append(_hole_text(model, part))
            continue
        said = _source_text(model, part.source, provider)
        if said is not None:
            out.append(said)
            continue
        before = "".join(p if isinstance(p, str) else _MARK for p in parts[:i])
        after = "".join(p if isinstance(p, str) else _MARK for p in parts[i + 1:])
        kind = _position_kind(before, after)
        if (kind is None and len(kinds) == 1 and not other and not lumped and kinds <= {"account", "region"}
                and len(parts) > 1 and _delimited(before, after)):
            kind = next(iter(kinds))  # a name piece, and the one context source is all it refers to
        if kind is not None and kind not in kinds:
            kind = None
        if kind == "partition":
            out.append(f.partition(provider))
        elif kind == "account":
            out.append(f.account_text(provider))
        elif kind == "region":
            out.append(f.region_text(provider))
        elif kind == "org":
            out.append(f.org_text(provider))
        else:
            out.append(any_sym())
    return text(*out)


_ACCOUNT_KEYS = ("aws:sourceaccount", "aws:principalaccount", "aws:resourceaccount", "aws:sourceowner",
                 "kms:calleraccount")


# the attribute of a context data source a piece is (Hole.source) -> what it stands for
_SOURCE_ATTRS = {("aws_caller_identity", "account_id"): "account",
                 ("aws_region", "name"): "region", ("aws_region", "region"): "region", ("aws_region", "id"): "region",
                 ("aws_partition", "partition"): "partition", ("aws_partition", "id"): "partition",
                 ("aws_partition", "dns_suffix"): "dns_suffix",
                 ("aws_organizations_organization", "id"): "org"}
#: a partition's DNS suffix (service principals are ``<service>.<suffix>``); others are not assumed
_DNS_SUFFIX = {"aws": "amazonaws.com", "aws-us-gov": "amazonaws.com", "aws-cn": "amazonaws.com.cn"}


def _source_text(model: Model, source: str, provider: str) -> Text | None:
    """A piece the HCL loader says is exactly ``data.<type>.<name>[key].<attr>`` of a context data
    source (the account id of ``data.aws_caller_identity``, a region, a partition, the organization
    id) -> that provider's symbol, whatever its place in the string: two pieces with the same source
    are the same text, so ``"arn:aws:s3:::acme-logs-${local.account_id}"`` in a bucket policy and the
    bucket named ``"acme-logs-${local.account_id}"`` compare equal.  None for anything else."""
    if not source:
        return None
    address, _, attr = source.rpartition(".")
    m = _DATA_TYPE.search(strip_index(address))
    kind = _SOURCE_ATTRS.get((m.group(1), attr)) if m else None
    if kind is None:
        return None
    found = model.instances(address, follow_reads=False)
    if len(found) == 1:
        provider = provider_of(found[0])
    elif found and len({provider_of(r) for r in found}) == 1:
        provider = provider_of(found[0])
    elif found:
        return None  # instances under several providers: which one is not known
    f = facts(model)
    if kind == "account":
        return f.account_text(provider)
    if kind == "region":
        own = [r.values.get("region") for r in found]
        if any(v is not None for v in own):
            # data "aws_region" "x" { region = var.region }: its own region, not the provider's
            return (own[0],) if len(set(map(repr, own))) == 1 and isinstance(own[0], str) else (any_sym(),)
        return f.region_text(provider)
    if kind == "partition":
        return (f.partition(provider),)
    if kind == "dns_suffix":
        suffix = _DNS_SUFFIX.get(f.partition(provider))
        return (suffix,) if suffix else None
    return f.org_text(provider)


def _hole_text(model: Model, hole: Hole) -> Text:
    if len(hole.refs) != 1:
        return (any_sym(),)
    address, _, attr = hole.refs[0].rpartition(".")
    found = model.instances(address)
    if len(found) != 1:
        return (any_sym(),)
    return attribute_text(model, found[0], attr)


def ref_text(model: Model, resource: Resource, path: str, value: Any = None) -> Text:
    """The value of ``resource.<path>`` (a name or ARN attribute) as a Text."""
    if value is None:
        value = resource.get(path)
    if isinstance(value, str):
        return (value,)
    form = model.partial_value(resource, path)
    return from_partial(model, form, resource.refs_under(path), provider_of(resource), resource=resource)
