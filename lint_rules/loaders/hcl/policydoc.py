"""``replace()`` over a policy document's JSON, known in part.

terraform-aws-modules/s3-bucket writes its bucket policy as::

    replace(replace(replace(data.aws_iam_policy_document.combined[0].json,
      "_S3_BUCKET_ID_", aws_s3_bucket.this[0].id), "_S3_BUCKET_ARN_", ...), "_AWS_ACCOUNT_ID_", ...)

In HCL the document's ``json`` is unknown (it holds the bucket's ARN), so the policy was unknown and
every rule reading it said so.  The document is known in shape, though: :func:`document_form` gives it
as the JSON it will be (``{"Version": ..., "Statement": [...]}`` with :class:`PartialString` /
``UNKNOWN`` leaves, the form ``jsonencode({...})`` has, see :mod:`.partial`), and :func:`replace_form`
applies ``replace(text, search, replacement)`` to it as terraform applies it to the JSON text.

The text terraform searches is the *JSON text*: keys, punctuation, indentation and each string's
escaped form.  The result is known exactly only when every match is inside the known text of one
string value; so:

- a regular expression search (``/.../``), an empty or unknown search, or one holding JSON
  punctuation, quotes, backslashes or white space (it could match the structure) -> UNKNOWN;
- a search that occurs in a key -> UNKNOWN;
- in a string value, a match that could involve an unknown piece (a :class:`Hole`: inside it or across
  its edges) makes that value UNKNOWN -- unless what the piece can be rules the match out (an account
  id is digits; a bucket's ARN is made of its configured name and the partition; see
  :func:`hole_alphabet`);
- a match inside known text is replaced by the replacement's form (a known string or a
  :class:`PartialString`); a replacement that could hold a quote, backslash or control character
  (it is pasted into JSON text unescaped) where a match is -> UNKNOWN.
"""
from __future__ import annotations

import json
import re
import string
from typing import Any, Callable

from lark import Token, Tree

from ...model import UNKNOWN, Hole, PartialString
from ...policy_documents import merge_statements
from .tree import _unwrap_term, kids, name_of
from .values import has_unknown, to_bool, to_str

#: characters a JSON text has outside its strings (besides letters/digits of numbers and literals)
_STRUCTURAL = set('{}[]:,"\\') | set(string.whitespace)
#: keys terraform's policy document JSON may have even where the form built here leaves them out
_DOCUMENT_KEYS = ("Version", "Id", "Statement", "Sid", "Effect", "Action", "NotAction", "Resource",
                  "NotResource", "Principal", "NotPrincipal", "Condition")
_DIGITS = frozenset(string.digits)
_PARTITION = frozenset(string.ascii_lowercase + "-")
_REGION = frozenset(string.ascii_lowercase + string.digits + "-")
_SOURCE_ALPHABETS = (
    (re.compile(r"(?:^|\.)data\.aws_caller_identity\.[\w-]+(?:\[[^\]]*\])?\.(?:account_id|id)$"), _DIGITS),
    (re.compile(r"(?:^|\.)data\.aws_partition\.[\w-]+(?:\[[^\]]*\])?\.(?:partition|id)$"), _PARTITION),
    (re.compile(r"(?:^|\.)data\.aws_region\.[\w-]+(?:\[[^\]]*\])?\.(?:name|region|id)$"), _REGION),
)


class NotExact(Exception):
    """The result of a replacement cannot be known exactly."""


# =============================================================================
# JSON text of one string, as terraform writes it (Go's encoding/json, HTML-safe)
# =============================================================================
def json_text(value: str) -> str:
    out = []
    for ch in value:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ch < " " or ch in "<>&\u2028\u2029":
            out.append("\\u%04x" % ord(ch))
        else:
            out.append(ch)
    return "".join(out)


def _from_json_text(text: str) -> str:
    try:
        value = json.loads('"' + text + '"')
    except ValueError:
        raise NotExact("a match cuts an escape sequence") from None
    if not isinstance(value, str):  # pragma: no cover - a quoted text is a string
        raise NotExact("not a string")
    return value


def _pasted_safely(piece: str) -> bool:
    """Is ``piece``, pasted unescaped into a JSON string, read back as itself?"""
    return not any(ch in '"\\' or ch < " " for ch in piece)


# =============================================================================
# can a match involve an unknown piece?
# =============================================================================
def _hole_may_match(parts: list, search: str, alphabet: Callable[[Hole], frozenset | None]) -> bool:
    """Could an occurrence of ``search`` in the JSON text of a string made of ``parts`` involve an unknown
    piece (lie in it, or run across its edges -- it may be empty)?  A nondeterministic scan: a state
    (j, h) says the text read so far ends with search[:j], h: through an unknown piece."""
    m = len(search)
    states: set[tuple[int, bool]] = {(0, False)}
    for part in parts:
        if isinstance(part, Hole):
            chars = alphabet(part)
            if chars is not None:  # as the JSON text has them (``<`` is ``\u003c``)
                chars = frozenset("".join(json_text(c) for c in chars))
            out: set[tuple[int, bool]] = set()
            for j, h in states:
                out.add((j, h or j > 0))  # an empty piece: a partial match runs across it
                k = j
                while k < m and (chars is None or search[k] in chars):
                    k += 1
                    out.add((k, True))
            # a match may also start inside the piece: any prefix of search made of its characters
            k = 0
            while k < m and (chars is None or search[k] in chars):
                k += 1
                out.add((k, True))
            if any(j == m and h for j, h in out):
                return True
            states = {(j, h) for j, h in out if j < m}
            continue
        for ch in json_text(part):
            nxt = {(0, False)}
            for j, h in states:
                if search[j] == ch:
                    nxt.add((j + 1, h))
            if any(j == m and h for j, h in nxt):
                return True
            states = {(j, h) for j, h in nxt if j < m}  # a match in known text: replaced in step 2
    return False


def _replace_leaf(leaf: Any, search: str, rep: Any, alphabet: Callable[[Hole], frozenset | None]) -> Any:
    """One string value of the document with the replacement applied (UNKNOWN when not exact)."""
    if leaf is UNKNOWN:
        return UNKNOWN
    parts = [leaf] if isinstance(leaf, str) else list(leaf.parts)
    # 1. could a match involve an unknown piece?  (a match wholly in known text is replaced in step 2)
    if _hole_may_match(parts, search, alphabet):
        return UNKNOWN
    # 2. replace in the known text, as the JSON text has it
    out: list[Any] = []
    hit = False
    for part in parts:
        if isinstance(part, Hole):
            out.append(part)
            continue
        pieces = json_text(part).split(search)
        if len(pieces) == 1:
            out.append(part)
            continue
        hit = True
        for i, piece in enumerate(pieces):
            if i:
                out.extend(rep)
            out.append(_from_json_text(piece))
    if not hit:
        return leaf
    if any(isinstance(p, Hole) for p in out):
        return PartialString(tuple(out))
    return "".join(out)


def replace_form(form: Any, search: Any, rep: Any, alphabet: Callable[[Hole], frozenset | None],
                 paste_safe: Callable[[Hole], bool] | None = None) -> Any:
    """``replace(<JSON text of form>, search, rep)`` as a form of the same shape; UNKNOWN when not
    exact (see the module docstring).  ``rep``: a str, a :class:`PartialString` or UNKNOWN;
    ``alphabet(hole)``: the characters an unknown piece can hold (None: any); ``paste_safe(hole)``:
    is the piece's text free of quotes, backslashes and control characters (default: from its alphabet)."""
    if not isinstance(search, str) or not search or (len(search) > 1 and search[0] == search[-1] == "/"):
        return UNKNOWN  # unknown, empty (inserts everywhere) or a regular expression
    if any(ch in _STRUCTURAL or ch < " " for ch in search):
        return UNKNOWN
    if isinstance(rep, str):
        rep_parts: list[Any] = [rep]
    elif isinstance(rep, PartialString):
        rep_parts = list(rep.parts)
    else:
        rep_parts = [Hole()]
    if paste_safe is None:
        def paste_safe(hole: Hole) -> bool:
            chars = alphabet(hole)
            return chars is not None and _pasted_safely("".join(chars))
    rep_safe = all(_pasted_safely(p) if isinstance(p, str) else paste_safe(p) for p in rep_parts)
    if any(search in json_text(k) for k in _DOCUMENT_KEYS):
        return UNKNOWN

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            out = {}
            for k, v in value.items():
                if not isinstance(k, str) or search in json_text(k):
                    raise NotExact("the search is in a key")
                out[k] = walk(v)
            return out
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, (str, PartialString)):
            new = _replace_leaf(value, search, rep_parts, alphabet)
            if new is not value and not rep_safe:
                # pasted text that could close the string or escape: the document itself is not known
                raise NotExact("the replacement could change the JSON structure")
            return new
        if value is UNKNOWN or value is None:
            return value
        if isinstance(value, (bool, int, float)):
            if search in json.dumps(value):
                raise NotExact("the search is in a number or literal")
            return value
        raise NotExact(f"a {type(value).__name__} in the document")

    try:
        return walk(form)
    except NotExact:
        return UNKNOWN


# =============================================================================
# what an unknown piece can be made of
# =============================================================================
#: attributes of managed resources whose values hold no quote, backslash or control character: ids AWS
#: generates (a KMS key id, a GuardDuty detector id) and names AWS accepts only in a narrow alphabet (S3
#: buckets, log groups, trails, topics, queues, functions, rules, streams, KMS aliases, IAM names), with
#: the ARNs made of them.  Not an IAM ARN: an IAM path may hold any printable character.
_AWS_NAMED: dict[str, tuple[str, ...]] = {
    "aws_s3_bucket": ("id", "bucket", "arn"),
    "aws_kms_key": ("arn", "key_id", "id"),
    "aws_kms_alias": ("arn", "name", "id", "target_key_arn", "target_key_id"),
    "aws_cloudtrail": ("arn", "id", "name"),
    "aws_cloudwatch_log_group": ("arn", "id", "name"),
    "aws_sns_topic": ("arn", "id", "name"),
    "aws_sqs_queue": ("arn", "id", "name", "url"),
    "aws_guardduty_detector": ("arn", "id"),
    "aws_lambda_function": ("arn", "function_name", "id"),
    "aws_kinesis_firehose_delivery_stream": ("arn", "id", "name"),
    "aws_cloudwatch_event_rule": ("arn", "id", "name"),
    "aws_cloudwatch_event_bus": ("arn", "id", "name"),
    "aws_sfn_state_machine": ("arn", "id", "name"),
    "aws_dynamodb_table": ("arn", "id", "name"),
    "aws_iam_role": ("id", "name", "unique_id"),
    "aws_iam_user": ("id", "name", "unique_id"),
}


def source_alphabet(source: str) -> frozenset | None:
    """The characters the attribute of a data source named by ``Hole.source`` can hold; None: any."""
    for pattern, alphabet in _SOURCE_ALPHABETS:
        if pattern.search(source):
            return alphabet
    return None


def bucket_alphabet(attr: str, name: Any) -> frozenset | None:
    """The characters of an ``aws_s3_bucket``'s ``id`` / ``bucket`` / ``arn`` whose configured ``bucket``
    is ``name`` (the ARN: ``arn:<partition>:s3:::<name>``); None when the name is not known."""
    if not isinstance(name, str) or not name:
        return None
    chars = frozenset(name)
    if attr in ("id", "bucket"):
        return chars
    if attr == "arn":
        return chars | frozenset("arn:s3") | _PARTITION
    return None


# =============================================================================
# the evaluator's side (a mixin of PartialEvaluation)
# =============================================================================
_MAX_DEPTH = 40
_JSON_ATTRS = ("json", "minified_json")


def _call_parts(node: Tree) -> tuple[list[str], list[Tree], bool]:
    names = [name_of(k) for k in kids(node) if k.data == "identifier"]
    arg_tree = next((k for k in kids(node) if k.data == "arguments"), None)
    args = kids(arg_tree) if arg_tree is not None else []
    expand = arg_tree is not None and any(isinstance(t, Token) and t.type == "ELLIPSIS" for t in arg_tree.children)
    return names, args, expand


def _statements(form: Any) -> list | Any:
    """The statements of a policy document form (a dict with a ``Statement``), else UNKNOWN."""
    raw = form.get("Statement", UNKNOWN) if isinstance(form, dict) else UNKNOWN
    if isinstance(raw, dict):
        raw = [raw]
    if not isinstance(raw, list) or any(not isinstance(s, dict) for s in raw):
        return UNKNOWN
    return raw


def _parse_document(text: str) -> Any:
    try:
        doc = json.loads(text)
    except ValueError:
        return UNKNOWN
    return doc if isinstance(doc, dict) and _statements(doc) is not UNKNOWN else UNKNOWN


class PolicyDocumentForms:
    """``replace(<policy document JSON>, search, replacement)`` in :meth:`~.partial.PartialEvaluation.partial`."""

    def partial_replace(self, args: list, scope: Any, depth: int = 0) -> Any:
        """The document form of ``replace(args...)`` when its text is a policy document's JSON, else UNKNOWN."""
        if len(args) != 3 or depth > _MAX_DEPTH:
            return UNKNOWN
        form = self._document_source(args[0], scope, depth + 1)
        if _statements(form) is UNKNOWN:
            return UNKNOWN
        search = self.ev(args[1], scope)
        rep: Any = self.ev(args[2], scope)
        if has_unknown(rep):
            rep = self.partial_struct(args[2], scope, as_string=True)
            if not isinstance(rep, (str, PartialString)):
                rep = UNKNOWN
        elif rep is None or isinstance(rep, (list, dict)):
            return UNKNOWN  # terraform: an error
        else:
            rep = to_str(rep)
        alphabets: dict[Hole, Any] = {}
        safe: dict[Hole, bool] = {}

        def alphabet(hole: Hole) -> frozenset | None:
            if hole not in alphabets:
                alphabets[hole] = self._hole_alphabet(hole, scope)
            return alphabets[hole]

        def paste_safe(hole: Hole) -> bool:
            if hole not in safe:
                safe[hole] = self._hole_paste_safe(hole, scope)
            return safe[hole]

        return replace_form(form, search, rep, alphabet, paste_safe)

    def _document_source(self, node: Tree, scope: Any, depth: int) -> Any:
        """The document form of an expression whose value is a policy document's JSON text, else UNKNOWN."""
        if depth > _MAX_DEPTH:
            return UNKNOWN
        node = _unwrap_term(node)
        if node.data == "conditional":
            cond_node, then_node, else_node = kids(node)
            cond = self.ev(cond_node, scope)
            if cond is UNKNOWN:
                return UNKNOWN
            return self._document_source(then_node if to_bool(cond) else else_node, scope, depth + 1)
        value = self.ev(node, scope)
        if isinstance(value, str):
            return _parse_document(value)
        if value is not UNKNOWN:
            return UNKNOWN
        if node.data == "function_call":
            names, args, expand = _call_parts(node)
            if expand:
                return UNKNOWN
            if names == ["replace"]:
                return self.partial_replace(args, scope, depth + 1)
            if names == ["jsonencode"] and len(args) == 1:
                form = self.partial(node, scope)
                return form if _statements(form) is not UNKNOWN else UNKNOWN
            return UNKNOWN
        if node.data == "get_attr_expr_term":
            base_node, accessor = kids(node)
            if accessor.data == "get_attr" and name_of(kids(accessor)[0]) in _JSON_ATTRS:
                proxy = self._instance_proxy(base_node, scope)
                conf = getattr(proxy, "conf", None)
                if conf is not None and conf.mode == "data" and conf.type == "aws_iam_policy_document" \
                        and proxy.data_address():
                    return self._document_form(proxy, depth + 1)
                return UNKNOWN
        named = self._partial_named(node, scope)  # local.X / var.X: what the partial form of it says
        return named if isinstance(named, dict) and _statements(named) is not UNKNOWN else UNKNOWN

    def _document_form(self, proxy: Any, depth: int) -> Any:
        """The JSON a ``data "aws_iam_policy_document"`` instance will have, as a form: its statements
        (after ``source_policy_documents``, before ``override_policy_documents``, merged by Sid as
        the provider merges them) with the partial forms of their unknown values."""
        inst, conf, key = proxy.inst, proxy.conf, getattr(proxy, "key", None)
        scope = inst.resource_scope(conf, key)
        partial: dict = {}
        values = inst.eval_body(conf.body, scope, "", {}, True, partial=partial, schema=conf.schema)

        def leaf(path: str, value: Any) -> Any:
            return partial.get(path, value) if has_unknown(value) else value

        blocks = values.get("statement")
        if blocks is UNKNOWN or not isinstance(blocks or [], list):
            return UNKNOWN
        own: list[dict] = []
        for i, block in enumerate(blocks or []):
            st = self._statement_form(block, f"statement.{i}.", leaf)
            if st is UNKNOWN:
                return UNKNOWN
            own.append(st)
        groups: list[list[dict]] = []
        for legacy, attr, before in (("source_json", "source_policy_documents", True),
                                     ("override_json", "override_policy_documents", False)):
            docs: list[Any] = []
            text = values.get(legacy)
            if text is UNKNOWN or (text not in (None, "") and not isinstance(text, str)):
                return UNKNOWN
            listed = conf.body.attrs.get(attr)
            more = self._document_list(listed.expr, scope, depth + 1) if listed is not None else []
            if more is UNKNOWN:
                return UNKNOWN
            if isinstance(text, str) and text.strip():
                docs = [_parse_document(text)] + more if before else more + [_parse_document(text)]
            else:
                docs = more
            stmts = [_statements(d) for d in docs]
            if any(s is UNKNOWN for s in stmts):
                return UNKNOWN
            groups.append(stmts)
        sources, overrides = groups
        ordered = sources + [own] + overrides
        if len(ordered) > 1 and any(not isinstance(s.get("Sid"), (str, type(None))) for g in ordered for s in g):
            return UNKNOWN  # which statements replace which is not known
        statements: list[dict] = []
        for group in ordered:
            statements = merge_statements(statements, group)
        version = values.get("version")
        out: dict = {"Version": version if isinstance(version, str) and version else "2012-10-17"}
        policy_id = values.get("policy_id")
        if policy_id:
            out["Id"] = leaf("policy_id", policy_id)
        out["Statement"] = statements
        return out

    @staticmethod
    def _statement_form(block: Any, prefix: str, leaf: Callable[[str, Any], Any]) -> Any:
        if not isinstance(block, dict):
            return UNKNOWN
        out: dict = {}
        sid = leaf(prefix + "sid", block.get("sid"))
        if sid not in (None, ""):
            out["Sid"] = sid
        effect = leaf(prefix + "effect", block.get("effect"))
        out["Effect"] = "Allow" if effect in (None, "") else effect
        for name, key in (("actions", "Action"), ("not_actions", "NotAction"), ("resources", "Resource"),
                          ("not_resources", "NotResource")):
            value = leaf(prefix + name, block.get(name))
            if value is not None and value != []:
                out[key] = value
        for name, key in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
            pbs = block.get(name)
            if pbs is None or pbs == []:
                continue
            if not isinstance(pbs, list):
                out[key] = UNKNOWN
                continue
            principal: Any = {}
            for j, pb in enumerate(pbs):
                kind = pb.get("type") if isinstance(pb, dict) else UNKNOWN
                if not isinstance(kind, str):
                    principal = UNKNOWN
                    break
                if kind == "*":
                    principal = "*"
                    break
                ids = leaf(f"{prefix}{name}.{j}.identifiers", pb.get("identifiers"))
                current = principal.get(kind, [])
                if ids is UNKNOWN or current is UNKNOWN or not isinstance(ids, list):
                    principal[kind] = UNKNOWN
                else:
                    principal[kind] = current + [i for i in ids if i not in current]
            out[key] = principal
        conds = block.get("condition")
        if conds is UNKNOWN or (conds is not None and not isinstance(conds, list)):
            return UNKNOWN  # an unknown condition could be none at all
        condition: dict = {}
        for k, cb in enumerate(conds or []):
            test = cb.get("test") if isinstance(cb, dict) else UNKNOWN
            variable = cb.get("variable") if isinstance(cb, dict) else UNKNOWN
            if not isinstance(test, str) or not isinstance(variable, str) or variable in condition.get(test, {}):
                return UNKNOWN
            condition.setdefault(test, {})[variable] = leaf(f"{prefix}condition.{k}.values", cb.get("values"))
        if condition:
            out["Condition"] = condition
        return out

    def _document_list(self, node: Tree, scope: Any, depth: int, compacting: bool = False) -> list | Any:
        """``source_policy_documents`` / ``override_policy_documents``: the documents' forms, in order."""
        if depth > _MAX_DEPTH:
            return UNKNOWN
        node = _unwrap_term(node)
        if node.data == "conditional":
            cond_node, then_node, else_node = kids(node)
            cond = self.ev(cond_node, scope)
            if cond is UNKNOWN:
                return UNKNOWN
            return self._document_list(then_node if to_bool(cond) else else_node, scope, depth + 1, compacting)
        if node.data == "tuple":
            out: list[Any] = []
            for item in kids(node):
                value = self.ev(item, scope)
                if value is None or value == "":
                    if compacting:
                        continue
                    return UNKNOWN  # the provider cannot read it (or the value is not known)
                form = self._document_source(item, scope, depth + 1)
                if form is UNKNOWN:
                    return UNKNOWN
                out.append(form)
            return out
        if node.data == "function_call":
            names, args, expand = _call_parts(node)
            if expand:
                return UNKNOWN
            if names == ["compact"] and len(args) == 1:
                return self._document_list(args[0], scope, depth + 1, True)
            if names == ["concat"]:
                joined: list[Any] = []
                for arg in args:
                    part = self._document_list(arg, scope, depth + 1, compacting)
                    if part is UNKNOWN:
                        return UNKNOWN
                    joined.extend(part)
                return joined
        value = self.ev(node, scope)
        if value is None:
            return []
        if not isinstance(value, list) or has_unknown(value):
            return UNKNOWN
        docs: list[Any] = []
        for text in value:
            if text in (None, "") and compacting:
                continue
            doc = _parse_document(text) if isinstance(text, str) else UNKNOWN
            if doc is UNKNOWN:
                return UNKNOWN
            docs.append(doc)
        return docs

    def _hole_alphabet(self, hole: Hole, scope: Any, depth: int = 0) -> frozenset | None:
        """The characters ``hole`` can hold (None: any).  An account id, partition or region from the data
        sources that give them; an ``aws_s3_bucket``'s id / bucket / ARN from its configured name (a
        template's known text and what its own unknown pieces can hold); a ``random_pet``'s id from its
        prefix and separator (its words are lower-case letters).  Only for resources of the module
        instance ``scope`` is in; anything else may hold any character."""
        if hole.source:
            return source_alphabet(hole.source)
        if not hole.refs or depth > 4:
            return None
        alphabet: frozenset = frozenset()
        for ref in hole.refs:
            found = self._ref_alphabet(ref, scope, depth)
            if found is None:
                return None
            alphabet |= found
        return alphabet

    def _ref_alphabet(self, ref: str, scope: Any, depth: int) -> frozenset | None:
        address, _, attr = ref.rpartition(".")
        target = self._local_instance(address, scope)
        if target is None:
            return None
        inst, conf, key = target
        attrs = conf.body.attrs
        if conf.type == "aws_s3_bucket" and attr in ("id", "bucket", "arn") and "bucket" in attrs:
            inner = inst.resource_scope(conf, key)
            name: Any = self.ev(attrs["bucket"].expr, inner)
            if name is UNKNOWN:
                form = self.partial_struct(attrs["bucket"].expr, inner, as_string=True)
                if not isinstance(form, PartialString):
                    return None
                chars: frozenset = frozenset()
                for part in form.parts:
                    more = frozenset(part) if isinstance(part, str) else self._hole_alphabet(part, inner, depth + 1)
                    if more is None:
                        return None
                    chars |= more
                return bucket_alphabet(attr, "".join(sorted(chars)) or None)
            return bucket_alphabet(attr, name)
        if conf.type == "random_pet" and attr == "id":
            inner = inst.resource_scope(conf, key)
            sep = self.ev(attrs["separator"].expr, inner) if "separator" in attrs else "-"
            prefix = self.ev(attrs["prefix"].expr, inner) if "prefix" in attrs else None
            if not isinstance(sep, str) or not (prefix is None or isinstance(prefix, str)):
                return None
            return frozenset(string.ascii_lowercase) | frozenset(sep) | frozenset(prefix or "")
        return None

    def _local_instance(self, address: str, scope: Any) -> tuple | None:
        """(module instance, resource config, instance key) of a managed resource instance address in the
        module instance of ``scope`` or one of its callers; None when it is elsewhere or not one."""
        inst = scope.ctx
        while inst is not None:
            prefix = getattr(inst, "prefix", None)
            if prefix is None:
                return None
            if address.startswith(prefix) and not address[len(prefix):].startswith("module."):
                break
            inst = getattr(inst, "parent", None)
        inst_scope = getattr(inst, "scope", None)
        if inst is None or inst_scope is None:
            return None
        local = address[len(inst.prefix):]
        if local.startswith("data."):
            return None
        try:
            with self.collecting():
                proxy = self.ev_raw(self.parse_expr(local), inst_scope)
        except Exception:  # noqa: BLE001 - not an address this instance resolves
            return None
        conf = getattr(proxy, "conf", None)
        if conf is None or conf.mode != "managed" or getattr(proxy, "exact_address", lambda: None)() != address:
            return None
        return proxy.inst, conf, getattr(proxy, "key", None)

    def _hole_paste_safe(self, hole: Hole, scope: Any) -> bool:
        """Is the text of ``hole`` read back as itself when pasted into a JSON string unescaped?  Known
        for the pieces :meth:`_hole_alphabet` knows, for any bucket's id / name / ARN (S3 bucket names,
        even legacy ones, are letters, digits, '.', '-' and '_'), and for the identifiers of _AWS_NAMED
        (AWS makes them, or refuses names with a quote, backslash or control character)."""
        alphabet = self._hole_alphabet(hole, scope)
        if alphabet is not None:
            return _pasted_safely("".join(alphabet))
        if not hole.refs:
            return False
        for ref in hole.refs:
            address, _, attr = ref.rpartition(".")
            target = self._local_instance(address, scope)
            if target is None or attr not in _AWS_NAMED.get(target[1].type, ()):
                return False
        return True
