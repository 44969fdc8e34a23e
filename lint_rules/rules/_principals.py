"""IAM principals and the policies that reach them, for the Log Integrity and Log Access rules.

What INT-002 and ACC-001 .. ACC-005 share:

- **Role names against the policy's name globs.**  IAM role names are unique regardless of
  case, so a glob such as ``*devops-admin*`` is compared case-insensitively and without regard
  to separators (``DevOpsAdmin``, ``devops_admin``, ``devops-admin`` are one name), and each
  word of the glob also matches its inflections (``security-investigation`` matches
  ``SecurityInvestigator``).  See :func:`name_matches`.
- **Who can assume a role** (its trust policy): people/accounts, or only AWS services.
- **Which policies a principal has**: inline policies (``aws_iam_role_policy``, ``inline_policy``
  blocks, user and group policies), managed policies attached by ``aws_iam_*_policy_attachment``,
  ``aws_iam_policy_attachment``, ``managed_policy_arns``; AWS-managed policies are read from a
  small table of their effect (:data:`AWS_MANAGED`), anything else outside the configuration is
  unknown.  Service control policies attached with ``aws_organizations_policy_attachment``.
- **What a statement does**: denies an action to a role (conditions that exempt the admin
  principal by ARN are understood, other conditions make the denial uncertain), grants a log
  read, is read-only.

Everything answers True / False / UNKNOWN (fail closed): a value known only after apply never
reads as the answer that would make a rule pass.

This module holds trust policies, the policies attached to principals (:class:`IamIndex`) and service
control policies; names are in :mod:`._names`, the AWS-managed policy table in :mod:`._managed`, where
a statement's unknown parts come from in :mod:`._origins`, and what a statement does in
:mod:`._statements`.  The rules import all of it from here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from ..model import UNKNOWN, Model, Resource
from ._iam import policy_statements, principal_entries, tri_all

# split by concern; what the rules import from here is re-exported
from ._managed import AWS_MANAGED, is_reference_to_one_of, managed_policy, may_be_policy_arn  # noqa: F401
from ._names import (GROUP, POLICY, ROLE, SCP, SCP_ATTACHMENT, USER, account_root,  # noqa: F401
                     matching_glob, name_matches, role_from_arn, role_name, shown_name)
from ._origins import Origin, StatementOrigins, exact_targets, leaf_roles, ref_roles  # noqa: F401
from ._statements import (LOGS_READ, S3_READ, covers_trails, deny_applies_to_role, is_read_only_action,  # noqa: F401
                          reads_logs, show_actions, statement_label)
from ._statements import _show  # noqa: F401 (tests)

try:  # partially known values (HCL): a string template with unknown pieces
    from ..model import Hole, PartialString
except ImportError:  # pragma: no cover - a model without partial values
    Hole = PartialString = None  # type: ignore[assignment,misc]


# =============================================================================
# trust policies
# =============================================================================
ASSUME_ACTIONS = ("sts:AssumeRole", "sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity")


@dataclass
class Trust:
    statements: Any  # list | UNKNOWN | None
    principals: list[tuple[str, Any]] = field(default_factory=list)  # Allow-ed principals
    opaque: bool = False  # some statement's Effect or Principal is not known at all

    def services_only(self, allowed: Iterable[str] | None = None) -> Any:
        """True when only AWS services may assume the role (only the ``allowed`` ones, when given).

        A known non-service principal (``AWS``, ``Federated``, ``*``) makes it False even when its
        identifier is known only after apply.
        """
        if self.statements is UNKNOWN:
            return UNKNOWN
        if any(kind != "Service" for kind, _ in self.principals):
            return False
        if self.opaque:
            return UNKNOWN
        if not self.principals:
            return False
        wanted = {a.lower() for a in allowed} if allowed is not None else None
        verdicts = []
        for _, ident in self.principals:
            if not isinstance(ident, str):
                verdicts.append(True if wanted is None else UNKNOWN)
            elif wanted is not None:
                verdicts.append(ident.lower() in wanted)
            else:
                verdicts.append(ident.lower().endswith((".amazonaws.com", ".amazonaws.com.cn")))
        return tri_all(verdicts)

    def services(self) -> list[str]:
        return sorted({i for k, i in self.principals if k == "Service" and isinstance(i, str)})


def trust(model: Model, role: Resource) -> Trust:
    stmts = policy_statements(model, role, "assume_role_policy")
    if stmts is UNKNOWN:
        return Trust(UNKNOWN, opaque=True)
    out = Trust(stmts or [])
    for s in stmts or []:
        if s.get("Effect") == "Deny":
            continue
        if s.get("NotPrincipal"):
            out.principals.append(("NotPrincipal", UNKNOWN))
            continue
        if s.get("Effect") is UNKNOWN:
            out.opaque = True
        entries = principal_entries(s.get("Principal"))
        if entries is UNKNOWN:
            out.opaque = True
            continue
        out.principals.extend(entries)
    return out


# =============================================================================
# policies attached to principals
# =============================================================================
@dataclass
class Attached:
    """A policy that reaches a principal."""

    label: str  # e.g. "aws_iam_policy.deny (attached by aws_iam_role_policy_attachment.x)"
    statements: Any  # list | UNKNOWN
    source: Resource  # the resource that attaches it (for messages and subjects)
    definite: bool = True  # False: this attachment may or may not concern the principal
    why: str = ""  # why the statements are unknown
    boundary: bool = False  # a permissions boundary: only its Deny statements count
    where: tuple | None = None  # (resource, attribute) the statements were read from
    _origins: Any = None

    def origin(self, model: Model, stmt: dict) -> "Origin":
        if self.where is None:
            return Origin()
        if self._origins is None:
            self._origins = StatementOrigins.of(model, *self.where)
        return self._origins.lookup(stmt)


def _identities(r: Resource) -> set[str]:
    return {v for v in (r.values.get(a) for a in ("name", "id", "arn", "unique_id")) if isinstance(v, str) and v}


@dataclass
class Targets:
    definite: list[Resource] = field(default_factory=list)
    maybe: list[Resource] = field(default_factory=list)
    external: list[str] = field(default_factory=list)  # known names of principals not in the model
    untied: bool = False  # the attribute is unknown and refers to nothing: could be anyone


def principals_of(model: Model, att: Resource, path: str, rtype: str, single: bool = True) -> Targets:
    """Which principals of ``rtype`` the attribute ``path`` (a name, or a list of names) of ``att`` names."""
    value = att.get(path)
    values = value if isinstance(value, list) else [value]
    known = [v for v in values if isinstance(v, str) and v]
    unknown_value = value is UNKNOWN or any(v is UNKNOWN for v in values)
    out = Targets()
    refs = att.refs_under(path)
    ref_targets: list[Resource] = []
    for address in refs:
        for t in model.instances(address):
            if t.type == rtype and t not in ref_targets:
                ref_targets.append(t)
    if known and not unknown_value:
        for v in known:
            named = [t for t in ref_targets if v in _identities(t)] or model.with_identity(v, rtype)
            if named:
                out.definite += [t for t in named if t not in out.definite]
            elif ref_targets and any(not _identities(t) for t in ref_targets):
                out.maybe += [t for t in ref_targets if t not in out.maybe]
            else:
                name = v.rsplit("/", 1)[-1] if v.startswith("arn:") else v
                out.external.append(name)
        return out
    if ref_targets:
        ambiguous = (single and len(ref_targets) > 1) or (att.index is not None and len(ref_targets) > 1)
        if ambiguous:
            out.maybe = ref_targets
        else:
            out.definite = ref_targets
        if unknown_value and known:
            for v in known:
                out.definite += [t for t in model.with_identity(v, rtype) if t not in out.definite]
        return out
    for v in known:
        named = model.with_identity(v, rtype)
        if named:
            out.definite += [t for t in named if t not in out.definite]
        else:
            out.external.append(v.rsplit("/", 1)[-1] if v.startswith("arn:") else v)
    if unknown_value:
        out.untied = True
    return out


def _managed_name_of_partial_arn(form: Any) -> str | None:
    """The name of the AWS-managed policy a partly known ARN names whatever its partition
    (``"arn:${partition}:iam::aws:policy/Name"``), else None."""
    if PartialString is not None and isinstance(form, PartialString) and form.parts \
            and isinstance(form.parts[-1], str):
        m = re.match(r"^:iam::aws:policy/(?:.*/)?([^/]+)$", form.parts[-1])
        if m and len(form.parts) == 3 and form.parts[0] == "arn:":
            return m.group(1)
    return None


def _policy_resource_statements(model: Model, pol: Resource) -> tuple[Any, str, tuple | None]:
    """(statements, why unknown, where they are read from) of an aws_iam_policy resource or data source.

    ``where`` is ``(pol, "policy")``, or None when the statements come from the table of AWS-managed
    policies (a ``data "aws_iam_policy"`` naming one: its ``policy`` is read from AWS, not written here).
    """
    stmts = policy_statements(model, pol, "policy")
    if stmts is None and pol.mode == "data":
        # data "aws_iam_policy": the document is read from AWS (never written in the configuration), so an
        # absent ``policy`` is one not read yet, not an empty policy
        stmts = UNKNOWN
    if stmts is UNKNOWN:
        if pol.mode == "data":
            for attr in ("arn", "name"):
                v = pol.values.get(attr)
                if isinstance(v, str) and v:
                    found = managed_policy(v) if attr == "arn" else (v, AWS_MANAGED.get(v, UNKNOWN))
                    if found and found[1] is not UNKNOWN:
                        return found[1], "", None
            name = _managed_name_of_partial_arn(model.partial_value(pol, "arn")) \
                if pol.values.get("arn") is UNKNOWN else None
            if name is not None and AWS_MANAGED.get(name) is not None:
                return AWS_MANAGED[name], "", None
        return UNKNOWN, f"{pol.address} policy is not known until apply", (pol, "policy")
    return stmts or [], "", (pol, "policy")


def data_policy_statements(model: Model, data: Resource) -> list[dict] | Any:
    """Statements of the policy a ``data "aws_iam_policy"`` reads (UNKNOWN unless an AWS-managed one in the table)."""
    return _policy_resource_statements(model, data)[0]


def policies_from_arn(model: Model, att: Resource, path: str, how: str, value: Any = None) -> list[Attached]:
    """The policies an ARN attribute (``policy_arn``, an element of ``managed_policy_arns``) names."""
    if value is None:
        value = att.get(path)
    targets = [t for a in att.refs_under(path) for t in model.instances(a)
               if t.type == POLICY and (t.mode == "managed" or t.mode == "data")
               and not (isinstance(value, str) and value and not may_be_policy_arn(t, value))]
    if not targets and isinstance(value, str) and value:
        targets = model.with_identity(value, POLICY)
    out: list[Attached] = []
    if targets:
        # HCL: an unknown ARN that only mentions them (local.arns[count.index]) may name another policy
        exact = value is not UNKNOWN or model.kind != "hcl" or is_reference_to_one_of(model.partial_value(att, path), targets)
        definite = len(targets) == 1 and exact
        for t in targets:
            stmts, why, where = _policy_resource_statements(model, t)
            out.append(Attached(f"{t.address} ({how})", stmts, att, definite=definite, why=why, where=where))
        if not exact:
            out.append(Attached(f"{att.address} {path} ({how})", UNKNOWN, att, why=f"{path} is not known until apply "
                                f"and may name a policy besides {', '.join(t.address for t in targets)}"))
        return out
    if isinstance(value, str) and value:
        managed = managed_policy(value)
        if managed:
            name, stmts = managed
            why = "" if stmts is not UNKNOWN else f"AWS-managed policy {name} is not in auditgate's table of " \
                                                  "managed policies"
            return [Attached(f"AWS-managed policy {name} ({how})", stmts, att, why=why)]
        return [Attached(f"{value} ({how})", UNKNOWN, att,
                         why=f"{path} = {value!r} names a policy not defined in this configuration")]
    form = model.partial_value(att, path) if value is UNKNOWN and path != "__none__" else None
    name = _managed_name_of_partial_arn(form)
    if name is not None:
        stmts = AWS_MANAGED.get(name, UNKNOWN)
        why = "" if stmts is not UNKNOWN else f"AWS-managed policy {name} is not in auditgate's table of " \
                                              "managed policies"
        return [Attached(f"AWS-managed policy {name} ({how})", stmts, att, why=why)]
    refs = att.refs_under(path)
    why = (f"{path} refers to {', '.join(refs)} and is not known until apply" if refs
           else f"{path} is not known until apply")
    return [Attached(f"{att.address} {path} ({how})", UNKNOWN, att, why=why)]


#: (attaching resource type, attribute naming the principal, principal type, inline?)
_ATTACHERS = (
    ("aws_iam_role_policy", "role", ROLE, True),
    ("aws_iam_role_policy_attachment", "role", ROLE, False),
    ("aws_iam_user_policy", "user", USER, True),
    ("aws_iam_user_policy_attachment", "user", USER, False),
    ("aws_iam_group_policy", "group", GROUP, True),
    ("aws_iam_group_policy_attachment", "group", GROUP, False),
)
_MULTI = (("roles", ROLE), ("users", USER), ("groups", GROUP))


@dataclass
class Grant:
    """One attachment edge: a policy and the principals it reaches."""

    policy: Attached
    kind: str  # ROLE / USER / GROUP
    targets: Targets


class IamIndex:
    """Every policy of the configuration and the principals it reaches, built once per model
    (:meth:`of`): the policies attached to a role are looked up, never searched for."""

    @classmethod
    def of(cls, model: Model) -> "IamIndex":
        """The model's index (read-only once built: every rule shares it)."""
        return model.memo(("principals.iam_index",), lambda: cls(model))

    def __init__(self, model: Model):
        self.model = model
        self.grants: list[Grant] = []
        self._by_principal: dict[str, list[Attached]] = {}
        self._untied: dict[str, list[Attached]] = {ROLE: [], USER: [], GROUP: []}
        self.attached_policies: set[str] = set()  # addresses of aws_iam_policy attached somewhere
        self._build()

    # --- building -----------------------------------------------------------
    def _add(self, policy: Attached, kind: str, targets: Targets) -> None:
        self.grants.append(Grant(policy, kind, targets))
        for t in targets.definite:
            self._by_principal.setdefault(t.address, []).append(policy)
        for t in targets.maybe:
            self._by_principal.setdefault(t.address, []).append(
                Attached(policy.label, policy.statements, policy.source, False, policy.why, policy.boundary,
                         policy.where))
        if targets.untied:
            self._untied[kind].append(policy)

    def _build(self) -> None:
        model = self.model
        for rtype, path, kind, inline in _ATTACHERS:
            for att in model.of_type(rtype):
                targets = principals_of(model, att, path, kind)
                if inline:
                    stmts = policy_statements(model, att, "policy")
                    why = "" if stmts is not UNKNOWN else f"{att.address} policy is not known until apply"
                    policies = [Attached(att.address, stmts if stmts is not None else [], att, why=why,
                                         where=(att, "policy"))]
                else:
                    policies = policies_from_arn(model, att, "policy_arn", f"attached by {att.address}")
                for p in policies:
                    self._note_attached(att, "policy_arn")
                    self._add(p, kind, targets)
        for att in model.of_type("aws_iam_policy_attachment"):
            policies = policies_from_arn(model, att, "policy_arn", f"attached by {att.address}")
            self._note_attached(att, "policy_arn")
            for path, kind in _MULTI:
                if att.get(path) in (None, []) and not att.refs_under(path):
                    continue
                targets = principals_of(model, att, path, kind, single=False)
                for p in policies:
                    self._add(p, kind, targets)
        for att in model.of_type("aws_iam_role_policy_attachments_exclusive"):
            targets = principals_of(model, att, "role_name", ROLE)
            arns = att.get("policy_arns")
            for arn in arns if isinstance(arns, list) else [arns]:
                for p in policies_from_arn(model, att, "policy_arns", f"attached by {att.address}", value=arn):
                    self._add(p, ROLE, targets)
            self._note_attached(att, "policy_arns")
        for role in model.of_type(ROLE):
            self._role_own_policies(role)

    def _note_attached(self, att: Resource, path: str) -> None:
        for a in att.refs_under(path):
            for t in self.model.instances(a):
                if t.type == POLICY:
                    self.attached_policies.add(t.address)
        value = att.get(path)
        for v in value if isinstance(value, list) else [value]:
            if isinstance(v, str) and v:
                for t in self.model.with_identity(v, POLICY):
                    self.attached_policies.add(t.address)

    def _role_own_policies(self, role: Resource) -> None:
        model = self.model
        own = Targets(definite=[role])
        inline = role.values.get("inline_policy")
        # in a plan (and statically) inline_policy is computed: UNKNOWN means "not written here"
        if isinstance(inline, list):
            for i, block in enumerate(inline):
                if not isinstance(block, dict):
                    continue
                path = f"inline_policy.{i}.policy"
                stmts = policy_statements(model, role, path)
                if stmts is None:
                    continue
                name = block.get("name")
                label = f"{role.address} inline_policy {name!r}" if isinstance(name, str) else \
                    f"{role.address} inline_policy[{i}]"
                self._add(Attached(label, stmts, role, why="" if stmts is not UNKNOWN else
                                   f"{label} is not known until apply", where=(role, path)), ROLE, own)
        arns = role.values.get("managed_policy_arns")
        refs = role.refs_under("managed_policy_arns")
        # computed too: UNKNOWN without references means "not written here"
        if isinstance(arns, list) or refs:
            how = f"{role.address} managed_policy_arns"
            items = arns if isinstance(arns, list) else [UNKNOWN]
            referenced = [t for a in refs for t in model.instances(a) if t.type == POLICY]
            for t in referenced:
                self.attached_policies.add(t.address)
                stmts, why, where = _policy_resource_statements(model, t)
                self._add(Attached(f"{t.address} ({how})", stmts, role, why=why, where=where), ROLE, own)
            for arn in items:
                if isinstance(arn, str) and arn:
                    named = model.with_identity(arn, POLICY)
                    if named:
                        for t in named:
                            if t not in referenced:
                                self.attached_policies.add(t.address)
                                stmts, why, where = _policy_resource_statements(model, t)
                                self._add(Attached(f"{t.address} ({how})", stmts, role, why=why,
                                                   where=where), ROLE, own)
                        continue
                    for p in policies_from_arn(model, role, "__none__", how, value=arn):
                        self._add(p, ROLE, own)
                elif arn is UNKNOWN and not referenced:
                    self._add(Attached(how, UNKNOWN, role, why=f"{how} is not known until apply"), ROLE, own)
        boundary = role.values.get("permissions_boundary")
        if (isinstance(boundary, str) and boundary) or role.refs_under("permissions_boundary"):
            for p in policies_from_arn(model, role, "permissions_boundary", f"permissions boundary of {role.address}"):
                p.boundary = True
                self._add(p, ROLE, own)

    # --- questions ------------------------------------------------------------
    def policies(self, principal: Resource) -> list[Attached]:
        """Policies attached to ``principal`` (definite and maybe), plus those whose principal is unknown."""
        kind = principal.type
        mine = list(self._by_principal.get(principal.address, []))
        for p in self._untied.get(kind, []):
            mine.append(Attached(p.label, p.statements, p.source, False, p.why or
                                 f"{p.source.address} names its principal only after apply", p.boundary, p.where))
        return mine

    def external_grants(self) -> list[tuple[Grant, str]]:
        """(grant, principal name) for attachments to principals not defined in the configuration."""
        return [(g, name) for g in self.grants for name in g.targets.external]

    def untied_grants(self) -> list[Grant]:
        return [g for g in self.grants if g.targets.untied and not g.targets.definite and not g.targets.maybe]


# =============================================================================
# service control policies
# =============================================================================
@dataclass
class AttachedScp:
    policy: Resource
    attachment: Resource
    statements: Any
    definite: bool = True


def attached_scps(model: Model) -> list[AttachedScp]:
    """Service control policies of the configuration that are attached to some target."""
    out: list[AttachedScp] = []
    scps = [p for p in model.of_type(SCP) if p.values.get("type") in (None, "", "SERVICE_CONTROL_POLICY", UNKNOWN)]
    for att in model.of_type(SCP_ATTACHMENT):
        target = att.values.get("target_id")
        if target in (None, "") and not att.refs_under("target_id"):
            continue
        found = [t for t in model.targets(att, "policy_id", SCP) if t in scps]
        untied = not found and att.get("policy_id") is UNKNOWN and not att.refs_under("policy_id")
        for scp in (scps if untied else found):
            definite = not untied and scp.values.get("type") is not UNKNOWN
            out.append(AttachedScp(scp, att, policy_statements(model, scp, "content"), definite))
    return out


