"""IAM policy documents, normalized.

A policy reaches a rule in one of two forms:

- a JSON string value (``policy = jsonencode({...})`` once known, a heredoc,
  or the ``json`` of a data source read at plan time);
- a reference to a ``data.aws_iam_policy_document`` whose ``statement``
  blocks (effect / actions / not_actions / resources / not_resources /
  principals / not_principals / condition) are in the model even when its
  ``json`` is known only after apply.

:func:`policy_statements` turns either into a list of statements::

    {"Sid": str | None, "Effect": "Allow" | "Deny" | UNKNOWN,
     "Action": [...], "NotAction": [...], "Resource": [...], "NotResource": [...],
     "Principal": None | "*" | {"AWS": [...], "Service": [...], ...} | UNKNOWN,
     "NotPrincipal": same shape, "Condition": {test: {variable: [values]}} | UNKNOWN}

Lists may be :data:`UNKNOWN` as a whole or hold ``UNKNOWN`` elements; callers
must treat those as "could be anything" (fail closed).  The whole result is
``UNKNOWN`` when the policy can be neither read as JSON nor traced to policy
document data sources, and ``None`` when the attribute is not set at all.
"""
from __future__ import annotations

from functools import lru_cache
import json
from typing import Any

from ..model import UNKNOWN, Hole, Model, PartialString, Resource
from ..policy_documents import merge_statements
from ._glob import fnmatchcase

POLICY_DOCUMENT = "aws_iam_policy_document"
_MAX_DEPTH = 8


# --- tri-state logic (True / False / UNKNOWN) --------------------------------
def tri_any(values) -> Any:
    """True if any is True; else UNKNOWN if any is UNKNOWN; else False."""
    seen_unknown = False
    for v in values:
        if v is True:
            return True
        if v is UNKNOWN:
            seen_unknown = True
    return UNKNOWN if seen_unknown else False


def tri_all(values) -> Any:
    """False if any is False; else UNKNOWN if any is UNKNOWN; else True."""
    seen_unknown = False
    for v in values:
        if v is False:
            return False
        if v is UNKNOWN:
            seen_unknown = True
    return UNKNOWN if seen_unknown else True


def tri_not(value) -> Any:
    return UNKNOWN if value is UNKNOWN else (not value)


# --- normalization -----------------------------------------------------------
def _as_list(value: Any) -> Any:
    if value is UNKNOWN:
        return UNKNOWN
    if value is None:
        return []
    if isinstance(value, (list, tuple, set)):
        return list(value)
    return [value]


def _normalize_principal(value: Any) -> Any:
    """JSON Principal -> None, "*", {type: [ids]} or UNKNOWN."""
    if value is UNKNOWN:
        return UNKNOWN
    if value is None:
        return None
    if isinstance(value, str):
        return "*" if value == "*" else {"AWS": [value]}
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for kind, ids in value.items():
            out[str(kind)] = _as_list(ids)
        return out
    return UNKNOWN


def _normalize_json_condition(value: Any) -> Any:
    if value is UNKNOWN:
        return UNKNOWN
    if not value:
        return {}
    if not isinstance(value, dict):
        return UNKNOWN
    out: dict = {}
    for test, body in value.items():
        if not isinstance(body, dict):
            return UNKNOWN
        out[test] = {var: _as_list(vals) for var, vals in body.items()}
    return out


def normalize_json_statement(stmt: Any) -> dict | Any:
    if not isinstance(stmt, dict):
        return UNKNOWN
    return {
        "Sid": stmt.get("Sid"),
        "Effect": stmt.get("Effect", "Allow") if stmt.get("Effect") is not None else "Allow",
        "Action": _as_list(stmt.get("Action")),
        "NotAction": _as_list(stmt.get("NotAction")),
        "Resource": _as_list(stmt.get("Resource")),
        "NotResource": _as_list(stmt.get("NotResource")),
        "Principal": _normalize_principal(stmt.get("Principal")),
        "NotPrincipal": _normalize_principal(stmt.get("NotPrincipal")),
        "Condition": _normalize_json_condition(stmt.get("Condition")),
    }


def parse_policy_json(text: str) -> list[dict] | Any:
    """Statements of a policy JSON string; UNKNOWN when it is not a policy."""
    try:
        doc = json.loads(text)
    except (ValueError, TypeError):
        return UNKNOWN
    if not isinstance(doc, dict):
        return UNKNOWN
    raw = doc.get("Statement", [])
    if isinstance(raw, dict):
        raw = [raw]
    if not isinstance(raw, list):
        return UNKNOWN
    out = []
    for s in raw:
        n = normalize_json_statement(s)
        if n is UNKNOWN:
            return UNKNOWN
        out.append(n)
    return out


def _block_principals(blocks: Any) -> Any:
    """``principals`` blocks -> None, "*", {type: [ids]} or UNKNOWN."""
    if blocks is UNKNOWN:
        return UNKNOWN
    if not blocks:
        return None
    out: dict[str, Any] = {}
    for b in blocks:
        if not isinstance(b, dict):
            return UNKNOWN
        kind = b.get("type")
        ids = _as_list(b.get("identifiers"))
        if kind is UNKNOWN:
            return UNKNOWN
        if kind == "*":
            return "*"
        current = out.get(kind, [])
        if ids is UNKNOWN or current is UNKNOWN:
            out[kind] = UNKNOWN
        else:
            out[kind] = current + [i for i in ids if i not in current]
    return out


def _block_conditions(blocks: Any) -> Any:
    if blocks is UNKNOWN:
        return UNKNOWN
    out: dict = {}
    for b in blocks or []:
        if not isinstance(b, dict):
            return UNKNOWN
        test, variable = b.get("test"), b.get("variable")
        if test is UNKNOWN or variable is UNKNOWN:
            return UNKNOWN
        out.setdefault(test, {})[variable] = _as_list(b.get("values"))
    return out


def normalize_block_statement(block: Any) -> dict | Any:
    """A ``statement`` block of ``aws_iam_policy_document`` -> a normalized statement."""
    if not isinstance(block, dict):
        return UNKNOWN
    effect = block.get("effect")
    return {
        "Sid": block.get("sid") or None,
        "Effect": "Allow" if effect is None or effect == "" else effect,
        "Action": _as_list(block.get("actions")),
        "NotAction": _as_list(block.get("not_actions")),
        "Resource": _as_list(block.get("resources")),
        "NotResource": _as_list(block.get("not_resources")),
        "Principal": _block_principals(block.get("principals")),
        "NotPrincipal": _block_principals(block.get("not_principals")),
        "Condition": _block_conditions(block.get("condition")),
    }


def _documents_attr(model: Model, doc: Resource, path: str, depth: int) -> list[list[dict]] | Any:
    """``source_policy_documents`` / ``override_policy_documents``: one statement list per document."""
    value = doc.get(path)
    if value is None or value == []:
        return []
    items = _as_list(value)
    known: list[list[dict]] = []
    has_unknown = items is UNKNOWN or any(not isinstance(i, str) for i in items)
    if items is not UNKNOWN:
        for item in items:
            if isinstance(item, str):
                parsed = parse_policy_json(item)
                if parsed is UNKNOWN:
                    return UNKNOWN
                known.append(parsed)
    if has_unknown:
        referenced = _referenced_documents(model, doc, path)
        if referenced is UNKNOWN and items is not UNKNOWN:
            # ``concat([a.json, b.json], cond ? [c.json] : [])``: the condition's references are listed
            # too; when the unknown items are exactly as many as the documents referenced, they are those
            referenced = _referenced_documents(model, doc, path, only_documents=True)
            unknown_items = sum(1 for i in items if not isinstance(i, str))
            if referenced is not UNKNOWN and len(referenced) != unknown_items:
                referenced = UNKNOWN
        if referenced is UNKNOWN:
            return UNKNOWN
        for target in referenced:
            stmts = document_statements(model, target, depth + 1)
            if stmts is UNKNOWN:
                return UNKNOWN
            known.append(stmts)
    return known


def _referenced_documents(model: Model, resource: Resource, path: str,
                          only_documents: bool = False) -> list[Resource] | Any:
    """The policy documents ``path`` refers to; UNKNOWN when it refers to anything else or nothing
    (``only_documents``: leave out references to anything but policy documents)."""
    addresses = resource.refs_under(path)
    if not addresses:
        return UNKNOWN
    docs: list[Resource] = []
    for address in addresses:
        targets = model.instances(address)
        if only_documents and targets and all(t.type != POLICY_DOCUMENT for t in targets):
            continue
        if not targets or any(t.type != POLICY_DOCUMENT for t in targets):
            return UNKNOWN
        docs.extend(t for t in targets if t not in docs)
    return docs


def document_statements(model: Model, doc: Resource, depth: int = 0) -> list[dict] | Any:
    """Statements of a ``data.aws_iam_policy_document`` (its ``json`` when known, else its blocks)."""
    if depth > _MAX_DEPTH:
        return UNKNOWN
    text = doc.values.get("json")
    if isinstance(text, str) and text.strip():
        return parse_policy_json(text)
    for legacy in ("source_json", "override_json"):
        v = doc.values.get(legacy)
        if v is UNKNOWN or (v not in (None, "") and not isinstance(v, str)):
            return UNKNOWN
    blocks = doc.values.get("statement")
    if blocks is UNKNOWN:
        return UNKNOWN
    own = []
    for b in blocks or []:
        s = normalize_block_statement(b)
        if s is UNKNOWN:
            return UNKNOWN
        own.append(s)
    statements: list[dict] = []
    sources = _documents_attr(model, doc, "source_policy_documents", depth)
    overrides = _documents_attr(model, doc, "override_policy_documents", depth)
    if sources is UNKNOWN or overrides is UNKNOWN:
        return UNKNOWN
    src_json = doc.values.get("source_json")
    if isinstance(src_json, str) and src_json.strip():
        parsed = parse_policy_json(src_json)
        if parsed is UNKNOWN:
            return UNKNOWN
        sources = [parsed] + sources
    for src in sources:
        statements = merge_statements(statements, src)
    statements = merge_statements(statements, own)
    ovr_json = doc.values.get("override_json")
    if isinstance(ovr_json, str) and ovr_json.strip():
        parsed = parse_policy_json(ovr_json)
        if parsed is UNKNOWN:
            return UNKNOWN
        overrides = list(overrides) + [parsed]
    for ovr in overrides:
        statements = merge_statements(statements, ovr)
    return statements


def _without_partials(value: Any) -> Any:
    """A partially known document with every partially known string made UNKNOWN."""
    if isinstance(value, PartialString):
        return UNKNOWN
    if isinstance(value, list):
        return [_without_partials(v) for v in value]
    if isinstance(value, dict):
        return {k: _without_partials(v) for k, v in value.items()}
    return value


def _partial_document_statements(doc: Any) -> list[dict] | Any:
    """Statements of a ``jsonencode({...})`` policy known only in part (HCL): the statements'
    known leaves as written, every unknown or partially known leaf UNKNOWN.  UNKNOWN when the
    statement list, a statement, or a statement's Condition as a whole is not known (an
    unknown Condition could be none at all, and callers test conditions for emptiness)."""
    if not isinstance(doc, dict):
        return UNKNOWN
    raw = _without_partials(doc).get("Statement", [])
    if isinstance(raw, dict):
        raw = [raw]
    if not isinstance(raw, list):
        return UNKNOWN
    out = []
    for s in raw:
        n = normalize_json_statement(s)
        if n is UNKNOWN or n["Condition"] is UNKNOWN:
            return UNKNOWN
        out.append(n)
    return out


def _copied_policy(model: Model, form: Any) -> list[dict] | Any | None:
    """``policy = data.aws_iam_policy.X.policy`` (HCL: the partial form is one hole naming that
    ``policy``): the statements of the policy the data source reads -- an AWS-managed one from the
    table of managed policies, any other UNKNOWN.  None when ``form`` is no such copy."""
    if not (isinstance(form, PartialString) and len(form.parts) == 1 and isinstance(form.parts[0], Hole)):
        return None
    source = form.parts[0].source
    if not source.endswith(".policy"):
        return None
    target = model.get(source[:-len(".policy")])
    if target is None or target.type != "aws_iam_policy" or target.mode != "data":
        return None
    from ._principals import data_policy_statements  # the table of managed policies lives there
    return data_policy_statements(model, target)


def policy_statements(model: Model, resource: Resource, path: str = "policy") -> list[dict] | Any | None:
    """Normalized statements of the IAM policy in ``resource.<path>``.

    A known JSON string is parsed; a ``jsonencode({...})`` known only in part (HCL,
    :meth:`Model.partial_value`) gives its statements with the unknown leaves UNKNOWN;
    otherwise the attribute's references are followed to ``data.aws_iam_policy_document``
    sources (every reference must be one, several are united).  ``None`` when the
    attribute is not set, ``UNKNOWN`` when the policy cannot be determined.
    """
    value = resource.get(path)
    if isinstance(value, str) and value.strip():
        return parse_policy_json(value)
    if value is UNKNOWN:
        copied = _copied_policy(model, model.partial_value(resource, path))
        if copied is not None:
            return copied
        partial = _partial_document_statements(model.partial_value(resource, path))
        if partial is not UNKNOWN:
            return partial
    if resource.refs_under(path):
        docs = _referenced_documents(model, resource, path)
        if docs is UNKNOWN:
            return UNKNOWN
        out: list[dict] = []
        for doc in docs:
            stmts = document_statements(model, doc)
            if stmts is UNKNOWN:
                return UNKNOWN
            out.extend(stmts)
        return out
    if value is None or value == "":
        return None
    return UNKNOWN


# --- questions about statements ---------------------------------------------
def action_matches(pattern: Any, action: str) -> Any:
    """Does an IAM action pattern (``s3:Put*``, ``*``) match ``action``?  Case-insensitive."""
    if pattern is UNKNOWN or not isinstance(pattern, str):
        return UNKNOWN
    return _action_match(pattern, action)


@lru_cache(maxsize=16384)
def _action_match(pattern: str, action: str) -> bool:
    return fnmatchcase(action.lower(), pattern.lower())


def grants_action(statement: dict, action: str) -> Any:
    """Does the statement's Action / NotAction cover ``action``?  True / False / UNKNOWN."""
    actions, not_actions = statement.get("Action"), statement.get("NotAction")
    if actions is UNKNOWN or not_actions is UNKNOWN:
        return UNKNOWN
    if actions:
        return tri_any(action_matches(p, action) for p in actions)
    if not_actions:
        return tri_not(tri_any(action_matches(p, action) for p in not_actions))
    return False


def grants_any_action(statement: dict, actions) -> Any:
    return tri_any(grants_action(statement, a) for a in actions)


def principal_entries(principal: Any) -> list[tuple[str, Any]] | Any:
    """[(type, identifier)] of a normalized principal; "*" gives [("*", "*")]."""
    if principal is UNKNOWN:
        return UNKNOWN
    if principal is None:
        return []
    if principal == "*":
        return [("*", "*")]
    out: list[tuple[str, Any]] = []
    for kind, ids in principal.items():
        if ids is UNKNOWN:
            out.append((kind, UNKNOWN))
            continue
        for i in ids:
            out.append((kind, i))
    return out


def is_public_principal(principal: Any) -> Any:
    """True when the principal is everyone (``"*"`` or ``{"AWS": "*"}``)."""
    entries = principal_entries(principal)
    if entries is UNKNOWN:
        return UNKNOWN
    return tri_any(
        True if (kind in ("*", "AWS") and ident == "*") else (UNKNOWN if ident is UNKNOWN else False)
        for kind, ident in entries)
