"""May this writer make this request?  IAM policy evaluation for log delivery (DLV rules).

A log pipe works when its writer -- a service principal (``cloudtrail.amazonaws.com``) or a role
(the flow-log role, an instance profile's role) -- may make each request delivery takes
(``s3:PutObject`` on ``<bucket>/AWSLogs/<account>/...``, ``kms:GenerateDataKey`` on the key,
``logs:PutLogEvents`` on the stream) through every policy in its way.  :class:`Request` says who
asks for what, with the request context the service sends (``aws:SourceArn``, ``s3:x-amz-acl``,
encryption context ...); :func:`service_may`, :func:`role_may` and :func:`may_assume` answer as
an :class:`Answer` (pass / fail / unknown, one line naming the statements that grant it, the one
that denies it, or the grant that is missing).

Evaluation follows AWS's logic: an explicit Deny wins; otherwise an Allow is needed -- for a
service principal in the resource policy; for a role in the same account, in its identity
policies or the bucket policy (a KMS key policy must allow the role, or delegate to IAM through
the account principal).  Conditions are evaluated against the request context: a condition key
the context does not define makes the statement's effect unknown; a key the service does not
send is absent (``...IfExists`` and negated operators then hold, others do not).

Values known only at apply are :class:`~._symbolic.Sym` bols.  Each request is evaluated in
several *worlds* -- the symbols given fresh values, and then values that occur in the policies
(so ``111122223333`` written in a bucket policy is tried as the unknown account id) -- and a
verdict is trusted only when every world gives it; otherwise the answer is unknown and says on
which value it depends.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from ..engine import FAIL, PASS, UNKNOWN_STATUS
from ..model import UNKNOWN, Model, PartialString, Resource
from . import _iam
from ._conditions import ABSENT, concrete, conditions_hold, match, tmatch  # noqa: F401 (ABSENT, match: API)
from ._principals import StatementOrigins, statement_label
from ._symbolic import Sym, Text, any_sym, from_partial, model_cache, provider_of, show, symbols, text
from ._worlds import _MAX_CANDIDATES, _candidates, _syms_of, worlds


# =============================================================================
# policies with symbolic leaves
# =============================================================================


@dataclass
class Policy:
    """One policy document in the way of a request."""

    label: str  # e.g. "aws_s3_bucket_policy.logs", "aws_kms_key.logs key policy"
    statements: Any  # list of symbolic statements | UNKNOWN | None (not set)
    why: str = ""  # why the statements are UNKNOWN
    kind: str = "resource"  # "resource", "identity", "trust", "boundary"
    maybe: str = ""  # why this policy may not be in the way at all (its Allows then only "may" grant)


def _leaves(model: Model, plain: Any, partial: Any, refs: tuple, provider: str, lumped: bool,
            variable: str | None = None) -> Any:
    """A list of leaves (or UNKNOWN) -> a list of Texts (or UNKNOWN)."""
    if plain is UNKNOWN:
        if isinstance(partial, list):
            return [from_partial(model, p, refs, provider, variable=variable, lumped=lumped) for p in partial]
        if variable is not None:
            # a condition value written as one expression (``"aws:SourceAccount" = local.account_id``)
            one = from_partial(model, partial if partial is not None else UNKNOWN, refs, provider,
                               variable=variable, lumped=lumped)
            if not any(s.kind == "any" for s in symbols(one)):
                return [one]
        return UNKNOWN
    if not isinstance(plain, list):
        return UNKNOWN
    partial_list = partial if isinstance(partial, list) and len(partial) == len(plain) else None
    out = []
    for i, v in enumerate(plain):
        if isinstance(v, (str, bool, int, float)):
            out.append(from_partial(model, v, (), provider))
        else:
            p = partial_list[i] if partial_list is not None else v
            out.append(from_partial(model, p, refs, provider, variable=variable, lumped=lumped))
    return out


def _principal(model: Model, plain: Any, partial: Any, refs: tuple, provider: str, lumped: bool) -> Any:
    if plain is None or plain == "*" or plain is UNKNOWN:
        return plain
    out = {}
    for kind, ids in plain.items():
        p = partial.get(kind) if isinstance(partial, dict) else None
        out[kind] = _leaves(model, ids, p, refs, provider, lumped)
    return out


def symbolic_statement(model: Model, stmt: dict, origin: Any, holder: Resource, path: str) -> dict:
    """A normalized statement (``_iam``) with every Resource / Principal / Condition leaf a Text."""
    provider = provider_of(holder)
    partial = (origin.partial if origin is not None else None) or {}
    per_field = bool(origin is not None and getattr(origin, "per_field", False))
    lumped = not per_field
    whole = holder.refs_under(path)
    res_refs = origin.resource_refs if per_field else whole
    out = dict(stmt)
    out["Resource"] = _leaves(model, stmt.get("Resource"), partial.get("Resource"), res_refs, provider, lumped)
    out["NotResource"] = _leaves(model, stmt.get("NotResource"), partial.get("NotResource"), res_refs,
                                 provider, lumped)
    p_refs = origin.principal_refs if per_field else whole
    out["Principal"] = _principal(model, stmt.get("Principal"), partial.get("Principal"), p_refs, provider, lumped)
    out["NotPrincipal"] = _principal(model, stmt.get("NotPrincipal"), partial.get("NotPrincipal"), p_refs,
                                     provider, lumped)
    cond = stmt.get("Condition")
    if isinstance(cond, dict):
        pc = partial.get("Condition") if isinstance(partial.get("Condition"), dict) else {}
        new: dict = {}
        for test, body in cond.items():
            if not isinstance(body, dict):
                new = UNKNOWN
                break
            pbody = pc.get(test) if isinstance(pc.get(test), dict) else {}
            new[test] = {}
            for var, values in body.items():
                refs = (origin.condition_refs.get((str(test).lower(), str(var).lower()), ())
                        if per_field else whole)
                new[test][var] = _leaves(model, values, pbody.get(var), refs, provider, lumped, variable=str(var))
        out["Condition"] = new
    return out


def read_policy(model: Model, holder: Resource, path: str, label: str, kind: str = "resource") -> Policy:
    """The policy in ``holder.<path>`` (JSON, ``jsonencode``, policy documents), cached per model."""
    cache = model_cache(model).setdefault("policies", {})
    key = (holder.address, path, kind)
    found = cache.get(key)
    if found is not None:
        return found
    plain = _iam.policy_statements(model, holder, path)
    if plain is None:
        policy = Policy(label, None, kind=kind)
    elif plain is UNKNOWN:
        refs = holder.refs_under(path)
        why = (f"{label} is not known until apply" + (f" (it refers to {', '.join(refs[:3])})" if refs else ""))
        policy = Policy(label, UNKNOWN, why, kind)
    else:
        origins = StatementOrigins.of(model, holder, path)
        stmts = []
        for i, s in enumerate(plain):
            sym = symbolic_statement(model, s, origins.lookup(s), holder, path)
            sym["_label"] = statement_label(s, i)
            stmts.append(sym)
        policy = Policy(label, stmts, kind=kind)
    cache[key] = policy
    return policy


def known_policy(label: str, statements: Any, kind: str = "identity", why: str = "") -> Policy:
    """A policy given as plain known statements (AWS-managed policies)."""
    if statements is UNKNOWN or statements is None:
        return Policy(label, statements, why, kind)
    out = []
    for i, s in enumerate(statements):
        sym = dict(s)
        for f in ("Resource", "NotResource"):
            v = s.get(f)
            sym[f] = [(x,) if isinstance(x, str) else (any_sym(),) for x in v] if isinstance(v, list) else v
        sym["_label"] = statement_label(s, i)
        out.append(sym)
    return Policy(label, out, why, kind)


# =============================================================================
# requests
# =============================================================================
@dataclass
class Principal:
    kind: str  # "service" or "role"
    name: Text  # the service principal, or the role's ARN
    account: Text = ()  # the role's account
    partition: str = "aws"
    label: str = ""

    def shown(self) -> str:
        return self.label or show(self.name)


@dataclass
class Request:
    principal: Principal
    action: str
    resource: Text
    context: dict = field(default_factory=dict)  # lowercase key -> [Text] | ABSENT
    resource_label: str = ""  # how the resource is shown, e.g. "arn:aws:s3:::b/AWSLogs/<account>/*"

    def shown(self) -> str:
        return f"{self.action} on {self.resource_label or show(self.resource)}"


def service_principal(name: Text | str) -> Principal:
    t = (name,) if isinstance(name, str) else name
    return Principal("service", t, label=show(t))


# =============================================================================
# statements
# =============================================================================
ROOT = "root"  # a principal match through the account (the key or bucket delegates to IAM)


def _principal_in(spec: Any, principal: Principal, world: dict) -> Any:
    if spec is UNKNOWN:
        return UNKNOWN
    if spec == "*":
        return True
    results: list[Any] = []
    for kind, ids in spec.items():
        if ids is UNKNOWN:
            results.append(UNKNOWN)
            continue
        for ident in ids:
            v = concrete(ident, world)
            if kind in ("AWS", "*") and v == "*":
                return True
            if principal.kind == "service":
                if kind == "Service":
                    results.append(tmatch(ident, principal.name, world, glob=False, fold=True))
                elif isinstance(v, PartialString) and len(v.parts) == 1:
                    results.append(UNKNOWN)  # could be "*"
                else:
                    results.append(False)
            elif kind == "AWS":
                role = tmatch(ident, principal.name, world, glob=False)
                if role is True:
                    return True
                root = _iam.tri_any([
                    tmatch(ident, text("arn:", principal.partition, ":iam::", principal.account, ":root"), world,
                           glob=False),
                    tmatch(ident, principal.account, world, glob=False)])
                results.append(ROOT if root is True else _iam.tri_any([role, root]))
            else:
                results.append(False)
    if True in results:
        return True
    if ROOT in results:
        return ROOT
    return _iam.tri_any(r for r in results if r is not ROOT)


def principal_matches(stmt: dict, principal: Principal, world: dict) -> Any:
    np = stmt.get("NotPrincipal")
    if np:
        inside = _principal_in(np, principal, world)
        return _iam.tri_not(True if inside == ROOT else inside)
    p = stmt.get("Principal")
    if p is None:
        return False  # a resource policy statement without a principal grants nobody
    return _principal_in(p, principal, world)


def resource_matches(stmt: dict, resource: Text, world: dict, kind: str) -> Any:
    res, not_res = stmt.get("Resource"), stmt.get("NotResource")
    if res is UNKNOWN or not_res is UNKNOWN:
        return UNKNOWN
    if not res and not not_res:
        # trust policies name no resource; elsewhere a statement without one is invalid
        return True if kind == "trust" else (stmt.get("Effect") == "Deny")
    if res:
        return _iam.tri_any(tmatch(r, resource, world) for r in res)
    return _iam.tri_not(_iam.tri_any(tmatch(r, resource, world) for r in not_res))


@dataclass
class Hit:
    verdict: Any  # True / False / UNKNOWN / ROOT
    why: str = ""


def statement_applies(stmt: dict, req: Request, world: dict, kind: str, action: Any = None) -> Hit:
    """Does the statement apply to the request (True / False / UNKNOWN / ROOT, with why not)?  Cheap
    checks first: most statements of a policy concern another principal or action.  ``action``: what
    ``grants_action(stmt, req.action)`` gives, when the caller knows it already."""
    if action is None:
        action = _iam.grants_action(stmt, req.action)  # the cheapest test, and the one most often False
    if action is False:
        return Hit(False)
    checks: list[tuple[Any, str]] = []
    if kind != "identity" and kind != "boundary":
        pm = principal_matches(stmt, req.principal, world)
        if pm is False:
            return Hit(False)
        checks.append((pm, "its Principal is not known until apply"))
    checks.append((action, "its Action is not known until apply"))
    resource = resource_matches(stmt, req.resource, world, kind)
    if resource is False:
        return Hit(False)
    checks.append((resource, "its Resource is not known until apply"))
    cond, why = conditions_hold(stmt.get("Condition"), req.context, world)
    if cond is False:
        return Hit(False, why)  # only a condition stood in the way: say which (a "near miss")
    checks.append((cond, why))
    unknown = [w for v, w in checks if v is UNKNOWN]
    if unknown:
        return Hit(UNKNOWN, unknown[0])
    if any(v == ROOT for v, _ in checks):
        return Hit(ROOT)
    return Hit(True)


@dataclass
class Tally:
    """How every statement of some policies treats one request in one world."""

    allow: list[str] = field(default_factory=list)
    allow_root: list[str] = field(default_factory=list)
    allow_maybe: list[str] = field(default_factory=list)
    deny: list[str] = field(default_factory=list)
    deny_maybe: list[str] = field(default_factory=list)
    opaque: list[str] = field(default_factory=list)  # policies that cannot be read
    near: list[str] = field(default_factory=list)  # Allows that match all but a condition


def _statements_for(policy: Policy, action: str) -> list[tuple[dict, Any]]:
    """(statement, whether its Action / NotAction covers ``action``: True / UNKNOWN) for the statements
    of ``policy`` that may cover it (in order; cached on the policy): a statement about other actions
    never applies, and says nothing about a near miss."""
    by_action = policy.__dict__.setdefault("_by_action", {})
    found = by_action.get(action)
    if found is None:
        found = by_action[action] = [(stmt, covers) for stmt in policy.statements or []
                                     for covers in (_iam.grants_action(stmt, action),) if covers is not False]
    return found


def tally(policies: Iterable[Policy], req: Request, world: dict) -> Tally:
    out = Tally()
    for policy in policies:
        if policy.statements is UNKNOWN:
            out.opaque.append(policy.why or f"{policy.label} is not known until apply")
            continue
        for stmt, covers in _statements_for(policy, req.action):
            effect = stmt.get("Effect")
            hit = statement_applies(stmt, req, world, policy.kind, covers)
            if hit.verdict is False and not (effect == "Allow" and hit.why and len(out.near) < 2):
                continue  # (most statements: the label is not even formatted)
            where = f"{policy.label} {stmt.get('_label', 'statement')}"
            if hit.verdict is False:
                out.near.append(f"{where} would, but {hit.why}")
                continue
            if effect == "Deny":
                if hit.verdict is UNKNOWN or policy.maybe:
                    out.deny_maybe.append(f"{where} may deny it ({hit.why or policy.maybe})")
                else:
                    out.deny.append(f"{where} denies it")
            elif effect is UNKNOWN:
                out.deny_maybe.append(f"{where} has an Effect not known until apply")
            elif hit.verdict is UNKNOWN:
                out.allow_maybe.append(f"{where} may allow it, but {hit.why}")
            elif policy.maybe:
                out.allow_maybe.append(f"{where} allows it, but {policy.maybe}")
            elif hit.verdict == ROOT:
                out.allow_root.append(where)
            else:
                out.allow.append(where)
    return out


# =============================================================================
# answers over worlds
# =============================================================================
@dataclass
class Answer:
    status: str
    text: str
    grants: list[str] = field(default_factory=list)
    who: str = ""  # a pass: who may ...
    what: str = ""  # ... do what


def granted(who: str, what: str, grants: list[str], how: str = "") -> Answer:
    shown = how or ", ".join(short_label(g) for g in grants)
    return Answer(PASS, f"{who} may {what} ({shown})", list(grants), who, f"{what} ({shown})")


def short_label(label: str) -> str:
    """``aws_iam_policy.x (attached by aws_iam_role_policy_attachment.y) statement 'S'`` -> without the
    attachment (the message names the role already)."""
    return re.sub(r" \((?:attached by|[^()]* managed_policy_arns)[^()]*\)", "", label)


def _policy_texts(policies: Iterable[Policy]) -> Iterable[Text]:
    for policy in policies:
        if not isinstance(policy.statements, list):
            continue
        for stmt in policy.statements:
            for f in ("Resource", "NotResource"):
                v = stmt.get(f)
                if isinstance(v, list):
                    yield from v
            for f in ("Principal", "NotPrincipal"):
                v = stmt.get(f)
                if isinstance(v, dict):
                    for ids in v.values():
                        if isinstance(ids, list):
                            yield from ids
            cond = stmt.get("Condition")
            if isinstance(cond, dict):
                for body in cond.values():
                    if isinstance(body, dict):
                        for vals in body.values():
                            if isinstance(vals, list):
                                yield from vals


def policy_texts(policy: Policy) -> list[Text]:
    """Every leaf of the policy (cached on it)."""
    found = policy.__dict__.get("_texts")
    if found is None:
        found = policy.__dict__["_texts"] = list(_policy_texts([policy]))
    return found


def _request_texts(req: Request) -> Iterable[Text]:
    yield req.principal.name
    yield req.principal.account
    yield req.resource
    for values in req.context.values():
        if isinstance(values, list):
            yield from values


def _policy_info(policy: Policy) -> tuple[list[Sym], dict]:
    """(symbols, candidate values) of a policy's leaves, cached on it."""
    found = policy.__dict__.get("_info")
    if found is None:
        texts = policy_texts(policy)
        found = policy.__dict__["_info"] = (_syms_of(texts), _candidates(texts))
    return found


# The worlds of the last request: callers ask of one principal, resource and context several actions
# in a row (a key's Encrypt, Decrypt, GenerateDataKey), and the worlds do not depend on the action.
# (request texts, policies, worlds): a pure function of the first two, so safe across threads.
_last_worlds: list = [None]


def _worlds_of(req: Request, policies: list[Policy]) -> list[dict] | None:
    req_texts = list(_request_texts(req))
    last = _last_worlds[0]
    if last is not None and last[0] == req_texts and len(last[1]) == len(policies) \
            and all(a is b for a, b in zip(last[1], policies)):
        return last[2]
    every = _worlds_uncached(req_texts, policies)
    _last_worlds[0] = (req_texts, list(policies), every)
    return every


def _worlds_uncached(req_texts: list[Text], policies: list[Policy]) -> list[dict] | None:
    syms = _syms_of(req_texts)
    infos = [_policy_info(p) for p in policies]
    for policy_syms, _ in infos:
        syms += [s for s in policy_syms if s not in syms]
    every: list[dict] | None = [{}]
    if syms:
        candidates = _candidates(req_texts)
        for _, cands in infos:
            for kind, values in cands.items():
                bucket = candidates.setdefault(kind, [])
                bucket += [v for v in values if v not in bucket][:max(0, _MAX_CANDIDATES - len(bucket))]
        every = worlds(syms, candidates)
    return every


def _across(req: Request, policies: list[Policy], decide) -> Answer:
    every = _worlds_of(req, policies)
    answers: list[tuple[dict, Answer]] = []
    if every is None:
        return Answer(UNKNOWN_STATUS, f"whether {req.principal.shown()} may {req.shown()} depends on too many values "
                                      "known only at apply to decide")
    for world in every:
        answers.append((world, decide(world)))
    first = answers[0][1]
    statuses = {a.status for _, a in answers}
    if len(statuses) == 1:
        return first
    base = answers[0][0]
    for world, a in answers[1:]:
        if a.status != first.status:
            changed = [s for s in world if world[s] != base.get(s)]
            shown = ", ".join(f"{s} = {world[s]!r}" for s in changed) or "other values"
            hints = []
            if any(s.kind == "account" for s in changed):
                hints.append("pin the provider's account with allowed_account_ids")
            if any(s.kind == "region" for s in changed):
                hints.append("set the provider's region")
            hint = f" ({'; '.join(hints)})" if hints else ""
            if a.status == UNKNOWN_STATUS or first.status == UNKNOWN_STATUS:
                unsure = a if a.status == UNKNOWN_STATUS else first
                where = f"with {shown}" if unsure is a else "otherwise"
                other = first.status if unsure is a else f"{a.status} with {shown}"
                return Answer(UNKNOWN_STATUS, f"whether {req.principal.shown()} may {req.shown()} depends on values "
                                              f"known only at apply ({other}{hint}); {where}: {unsure.text}")
            return Answer(UNKNOWN_STATUS, f"whether {req.principal.shown()} may {req.shown()} depends on values "
                                          f"known only at apply: {a.status} with {shown}, {first.status} "
                                          f"otherwise{hint}")
    return first  # pragma: no cover


def _answer_resource(t: Tally, req: Request, policies: list[Policy], need_grant_from: str) -> Answer:
    who, what = req.principal.shown(), req.shown()
    if t.deny:
        return Answer(FAIL, f"{t.deny[0]}: {who} may not {what}")
    if t.opaque:
        return Answer(UNKNOWN_STATUS, f"cannot tell whether {who} may {what}: {t.opaque[0]}")
    if t.deny_maybe and (t.allow or t.allow_maybe):  # (with nothing that may allow it, a Deny changes nothing)
        return Answer(UNKNOWN_STATUS, f"{who} {what}: {t.deny_maybe[0]}")
    if t.allow:
        return granted(who, what, t.allow)
    if t.allow_maybe:
        return Answer(UNKNOWN_STATUS, f"{who} {what}: {t.allow_maybe[0]}")
    near = f": {t.near[0]}" if t.near else ""
    return Answer(FAIL, f"no statement of {need_grant_from} allows {who} {what}{near}")


def service_may(policies: list[Policy], req: Request, missing: str = "") -> Answer:
    """May a service principal make ``req``, given the resource policies in its way?

    ``missing``: what to say when there is no policy at all (e.g. "the bucket has no policy").
    """
    present = [p for p in policies if p.statements is not None]
    if not present:
        return Answer(FAIL, missing or f"no policy lets {req.principal.shown()} {req.shown()}")
    labels = " / ".join(p.label for p in present)

    def decide(world: dict) -> Answer:
        return _answer_resource(tally(present, req, world), req, present, labels)

    return _across(req, present, decide)


def may_assume(trust_policy: Policy, req: Request) -> Answer:
    """May the service in ``req`` assume the role (its trust policy)?"""
    return service_may([trust_policy], req, missing=f"{trust_policy.label} is not set")


def role_may(resource_policies: list[Policy], identity: list[Policy], boundaries: list[Policy], req: Request,
             via: str = "s3") -> Answer:
    """May a role of the destination's account make ``req``?

    ``via = "s3"``: a bucket policy or the role's identity policies may grant it; ``"kms"``: the key
    policy must allow the role, or allow the account (delegating to IAM) and an identity policy
    allow it; ``"iam"``: identity policies only (CloudWatch Logs).  Any Deny wins; a permissions
    boundary must allow what the identity policies grant.
    """
    present = [p for p in resource_policies if p.statements is not None]
    all_policies = present + identity + boundaries
    who, what = req.principal.shown(), req.shown()

    def decide(world: dict) -> Answer:
        res = tally(present, req, world)
        ident = tally(identity, req, world)
        bound = tally(boundaries, req, world) if boundaries else None
        for t in (res, ident, bound):
            if t is not None and t.deny:
                return Answer(FAIL, f"{t.deny[0]}: {who} may not {what}")
        for t in (res, ident, bound):
            if t is not None and t.opaque and not (t is res and res.allow and via != "kms"):
                return Answer(UNKNOWN_STATUS, f"cannot tell whether {who} may {what}: {t.opaque[0]}")
        for t in (res, ident, bound):
            if t is not None and t.deny_maybe:
                return Answer(UNKNOWN_STATUS, f"{who} {what}: {t.deny_maybe[0]}")
        bounded = bound is None or bool(bound.allow)
        if bound is not None and not bound.allow and bound.allow_maybe:
            bounded = UNKNOWN
        if via == "kms":
            if not present:
                return Answer(FAIL, f"no key policy allows {who} {what}")
            if res.allow:
                return granted(who, what, res.allow)
            if res.allow_root and ident.allow and bounded is True:
                grants = res.allow_root[:1] + ident.allow
                return granted(who, what, grants, f"{short_label(res.allow_root[0])} lets IAM policies grant it: "
                                                  f"{', '.join(short_label(g) for g in ident.allow)}")
            if res.allow_maybe or (res.allow_root and (ident.allow_maybe or bounded is UNKNOWN)):
                why = (res.allow_maybe or ident.allow_maybe or [f"a permissions boundary of {who} may not allow it"])[0]
                return Answer(UNKNOWN_STATUS, f"{who} {what}: {why}")
            if res.allow_root and not ident.allow:
                return Answer(FAIL, f"the key policy lets IAM policies grant it ({res.allow_root[0]}), but no "
                                    f"policy of {who} allows {what}")
            if res.allow_root:
                return Answer(FAIL, f"a permissions boundary of {who} does not allow {what}")
            return Answer(FAIL, f"no statement of {' / '.join(p.label for p in present)} allows {who} {what} "
                                "(neither the role nor the account, which would let IAM policies grant it)")
        if res.allow and via == "s3":
            return granted(who, what, res.allow)
        if ident.allow and bounded is True:
            return granted(who, what, ident.allow)
        if ident.allow and bounded is False:
            return Answer(FAIL, f"a permissions boundary of {who} does not allow {what}")
        maybe = (res.allow_maybe if via == "s3" else []) + ident.allow_maybe
        if maybe or (ident.allow and bounded is UNKNOWN):
            why = maybe[0] if maybe else f"a permissions boundary of {who} may not allow it"
            return Answer(UNKNOWN_STATUS, f"{who} {what}: {why}")
        where = f"the policies of {who}" + ("" if via == "iam" else
                                            f" or {' / '.join(p.label for p in present) or 'the bucket policy'}")
        return Answer(FAIL, f"no statement of {where} allows {who} {what}")

    return _across(req, all_policies, decide)
