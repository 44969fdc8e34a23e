"""Hypothesis strategies that mutate JSON documents (plans, policies) structurally and as text.

A structural mutation walks to a random node of the parsed document and changes it: drops a key,
changes a value's type, nulls it, empties it, makes it huge, puts unicode and control characters
in it, duplicates a key (in the text), nests it deeply, gives a resource a wrong address, or makes
a reference name nothing.  Values that JSON text can hold but Python's ``json.dumps`` cannot write
(an integer of 5,000 digits, ``NaN``, ``1e999``, a duplicate key, 10,000 open brackets) are
placeholders replaced in the serialized text (:func:`dumps`).
"""
from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

# --- raw JSON text in a document ------------------------------------------------------------


class Raw:
    """JSON text put verbatim where this object stands."""

    def __init__(self, text: str):
        self.text = text


def dumps(doc: Any) -> str:
    """``json.dumps`` with :class:`Raw` values written verbatim (duplicate keys, huge numbers, ...)."""
    raws: list[str] = []

    def swap(node: Any) -> Any:
        if isinstance(node, Raw):
            raws.append(node.text)
            return f"\x00RAW{len(raws) - 1}\x00"
        if isinstance(node, dict):
            return {k: swap(v) for k, v in node.items()}
        if isinstance(node, list):
            return [swap(v) for v in node]
        return node

    text = json.dumps(swap(doc), allow_nan=True)
    for i, raw in enumerate(raws):
        text = text.replace(json.dumps(f"\x00RAW{i}\x00"), raw, 1)
    return text


# --- values -------------------------------------------------------------------------------

# characters that break naive code: controls, NUL, line and paragraph separators, bidi overrides,
# zero-width joiners, a BOM, combining marks, astral plane, lone surrogates (escaped in JSON)
_NASTY = ["\x00", "\x07", "\x1b[31m", "\r\n", "\n", "\t", "\u2028", "\u2029", "\u202e", "\u200d",
          "\ufeff", "e\u0301", "\U0001f600", "\ud800", "\udfff", "${", "%{", "}", "\\", '"', "'",
          "*", "?", "[", "/", "..", "arn:aws:s3:::", "module.", "aws_s3_bucket.x", "<script>", "&amp;"]

nasty_text = st.one_of(
    st.text(max_size=40),
    st.lists(st.sampled_from(_NASTY), min_size=1, max_size=6).map("".join),
    st.builds(lambda a, b: a + b, st.text(max_size=10), st.sampled_from(_NASTY)),
)

huge_text = st.builds(lambda ch, n: ch * n, st.sampled_from(["a", "\u00e9", "\n", "*", "\U0001f600", "x" * 7]),
                      st.sampled_from([10_000, 100_000, 1_000_000]))

_RAW_NUMBERS = ["1" * 5000, "-" + "9" * 4301, "1e999", "-1e999", "1e-999", "NaN", "Infinity", "-Infinity",
                "-0", "0.0000000000000000000000001", "123456789012345678901234567890", "9007199254740993",
                "1.7976931348623157e309", "4.9e-325"]

json_scalar = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2 ** 70), max_value=2 ** 70),
    st.floats(allow_nan=False, allow_infinity=False), nasty_text,
)

json_value = st.recursive(json_scalar, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(nasty_text, inner, max_size=4)), max_leaves=12)

_ADDRESS_PIECES = ['module.a', 'module.a["k"]', 'module.a[0]', 'module.', 'data', 'data.aws_iam_policy_document',
                   'aws_s3_bucket', 'aws_cloudtrail', 'this', 'x[0]', 'x["a.b"]', 'x[-1]', 'x["\\""]',
                   '[*]', '*', '', '.', '..', 'module.a.module.b', 'var.x', 'local.y', 'each.value', 'count.index',
                   'path.module', 'self', 'terraform.workspace', 'aws_kms_key.k.arn', 'output.x']

wrong_address = st.one_of(
    st.lists(st.sampled_from(_ADDRESS_PIECES), min_size=1, max_size=5).map(".".join),
    nasty_text,
)

reference_to_nothing = st.one_of(
    st.sampled_from(["aws_s3_bucket.nothing", "aws_s3_bucket.nothing.arn", "module.nope.aws_kms_key.k",
                     "module.nope.out", "module.nope", "var.nothing", "local.nothing", "data.aws_x.y.z",
                     "aws_s3_bucket.nothing[0]", 'aws_s3_bucket.nothing["k"].id', "each.value.x", "count.index",
                     "aws_cloudtrail", "", ".", "module..x", "aws_s3_bucket.b[*].arn"]),
    wrong_address,
)


def _deep(n: int, kind: str) -> Raw:
    if kind == "list":
        return Raw("[" * n + "1" + "]" * n)
    if kind == "dict":
        return Raw('{"a":' * n + "1" + "}" * n)
    return Raw("[" * n)  # never closed


deep_value = st.builds(_deep, st.sampled_from([50, 500, 5_000, 200_000]), st.sampled_from(["list", "dict", "open"]))

raw_number = st.sampled_from(_RAW_NUMBERS).map(Raw)


# --- structural mutation ------------------------------------------------------------------

MUTATIONS = ("drop", "retype", "null", "empty", "huge", "nasty", "raw_number", "duplicate_key", "deep",
             "wrong_address", "reference", "copy_subtree", "repeat", "swap_list", "same_type")

# a value of the same JSON type as the one it replaces: what a schema lets through
_same_type = {
    bool: st.booleans(),
    int: st.one_of(st.integers(-2, 2), st.integers(min_value=-(2 ** 63), max_value=2 ** 63),
                   st.sampled_from([365, 366, 2557, 2556, 0, -1, 10 ** 18])),
    float: st.floats(allow_nan=False, allow_infinity=False),
    str: nasty_text,
    list: st.lists(json_scalar, max_size=3),
    dict: st.dictionaries(nasty_text, json_scalar, max_size=3),
}


def _children(node: Any) -> list:
    if isinstance(node, dict):
        return list(node.keys())
    if isinstance(node, list):
        return list(range(len(node)))
    return []


def _walk(data: st.DataObject, doc: Any, label: str) -> list:
    """A random path into ``doc`` (keys/indexes); biased towards going deep."""
    path: list = []
    node = doc
    depth = data.draw(st.integers(min_value=0, max_value=12), label=f"{label} depth")
    for _ in range(depth):
        keys = _children(node)
        if not keys:
            break
        key = keys[data.draw(st.integers(min_value=0, max_value=len(keys) - 1), label=f"{label} key")]
        path.append(key)
        node = node[key]
    return path


def _get(doc: Any, path: list) -> Any:
    for key in path:
        doc = doc[key]
    return doc


def _all_of_key(doc: Any, key: str, out: list, path: tuple = (), limit: int = 2000) -> list:
    stack = [(doc, path)]
    while stack and len(out) < limit:
        node, p = stack.pop()
        if isinstance(node, dict):
            for k, v in node.items():
                if k == key:
                    out.append(p + (k,))
                stack.append((v, p + (k,)))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                stack.append((v, p + (i,)))
    return out


def mutate(data: st.DataObject, doc: Any, *, label: str = "m", kinds: tuple[str, ...] = MUTATIONS
           ) -> tuple[Any, list[str]]:
    """Apply 1-4 random structural mutations of ``kinds`` to ``doc`` (changed in place where
    possible; the new root is returned) and say which."""
    applied: list[str] = []
    for n in range(data.draw(st.integers(min_value=1, max_value=4), label=f"{label} count")):
        kind = data.draw(st.sampled_from(kinds), label=f"{label} kind")
        if kind == "wrong_address":
            hits = _all_of_key(doc, data.draw(st.sampled_from(
                ["address", "module_address", "previous_address", "provider_config_key", "index", "type", "name",
                 "mode", "source"]), label="address key"), [])
            if hits:
                path = list(hits[data.draw(st.integers(0, len(hits) - 1), label="which address")])
                value = data.draw(st.one_of(wrong_address, json_value), label="address")
                _set(doc, path, value)
                applied.append(f"wrong_address {path}")
                continue
            kind = "nasty"
        if kind == "reference":
            hits = _all_of_key(doc, "references", [])
            if hits:
                path = list(hits[data.draw(st.integers(0, len(hits) - 1), label="which refs")])
                refs = _get(doc, path)
                new = data.draw(st.lists(reference_to_nothing, min_size=1, max_size=3), label="refs")
                if isinstance(refs, list) and data.draw(st.booleans(), label="append"):
                    refs.extend(new)
                else:
                    _set(doc, path, new if data.draw(st.booleans(), label="list") else new[0])
                applied.append(f"reference {path}")
                continue
            kind = "retype"
        path = _walk(data, doc, label)
        if not path:  # the root itself
            if kind in ("drop", "null", "empty", "retype", "raw_number", "deep"):
                doc = data.draw(st.one_of(json_value, deep_value, raw_number), label="new root")
                applied.append(f"root -> {kind}")
                return doc, applied
            continue
        parent, key = _get(doc, path[:-1]), path[-1]
        old = parent[key]
        if kind == "drop":
            del parent[key]
        elif kind == "retype":
            parent[key] = data.draw(json_value.filter(lambda v: type(v) is not type(old)), label="retyped")
        elif kind == "null":
            parent[key] = None
        elif kind == "same_type":
            strategy = _same_type.get(type(old), json_scalar)
            parent[key] = data.draw(strategy, label="same type")
        elif kind == "empty":
            parent[key] = data.draw(st.sampled_from(["", [], {}, 0, False]), label="empty")
        elif kind == "huge":
            small = not _has_raw(old) and len(dumps(old)) < 2000
            parent[key] = data.draw(st.one_of(huge_text, st.just([old] * 2000), st.just({str(i): old for i in range(500)}))
                                    if small else huge_text, label="huge")
        elif kind == "nasty":
            parent[key] = data.draw(nasty_text, label="nasty") if not isinstance(old, str) or data.draw(
                st.booleans(), label="replace") else old + data.draw(nasty_text, label="suffix")
        elif kind == "raw_number":
            parent[key] = data.draw(raw_number, label="number")
        elif kind == "deep":
            parent[key] = data.draw(deep_value, label="deep")
        elif kind == "duplicate_key":
            if isinstance(parent, dict):
                other = data.draw(json_value, label="duplicate")
                first, second = (other, old) if data.draw(st.booleans(), label="order") else (old, other)
                parent[key] = _DupHolder(key, first, second)
            else:
                parent.insert(key, old)
        elif kind == "copy_subtree":
            src = _get(doc, _walk(data, doc, f"{label} src"))
            parent[key] = json.loads(dumps(src)) if not _has_raw(src) else src
        elif kind == "repeat":
            small = not _has_raw(old) and len(dumps(old)) < 5000
            if isinstance(parent, list):
                parent[key:key + 1] = [old] * data.draw(st.sampled_from([2, 10, 1000] if small else [2, 3]), label="times")
            else:
                parent[key] = [old, old]
        elif kind == "swap_list":
            if isinstance(old, list):
                parent[key] = list(reversed(old))
            elif isinstance(old, dict):
                parent[key] = [old]
            else:
                parent[key] = [old]
        applied.append(f"{kind} {path}")
    return (_materialize(doc) if any(a.startswith("duplicate_key") for a in applied) else doc), applied


class _DupHolder:
    def __init__(self, key: str, first: Any, second: Any):
        self.key, self.first, self.second = key, first, second


def _has_raw(node: Any) -> bool:
    if isinstance(node, (Raw, _DupHolder)):
        return True
    if isinstance(node, dict):
        return any(_has_raw(v) for v in node.values())
    if isinstance(node, list):
        return any(_has_raw(v) for v in node)
    return False


def _set(doc: Any, path: list, value: Any) -> None:
    parent = _get(doc, path[:-1])
    parent[path[-1]] = value


def _materialize(node: Any) -> Any:
    """Objects holding a duplicated key become :class:`Raw` text."""
    if isinstance(node, dict):
        if any(isinstance(v, _DupHolder) for v in node.values()):
            parts = []
            for k, v in node.items():
                if isinstance(v, _DupHolder):
                    parts.append(f"{json.dumps(k)}: {dumps(_materialize(v.first))}")
                    parts.append(f"{json.dumps(k)}: {dumps(_materialize(v.second))}")
                else:
                    parts.append(f"{json.dumps(k)}: {dumps(_materialize(v))}")
            return Raw("{" + ", ".join(parts) + "}")
        return {k: _materialize(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_materialize(v) for v in node]
    return node


# --- text mutation ------------------------------------------------------------------------

TEXT_MUTATIONS = ("truncate", "flip", "insert", "delete", "bom", "utf16", "latin1", "nul", "crlf", "prefix",
                  "repeat")


def mutate_text(data: st.DataObject, text: str) -> tuple[bytes, str]:
    """One byte-level mutation of ``text``; the bytes to feed and what was done."""
    raw = text.encode("utf-8")
    kind = data.draw(st.sampled_from(TEXT_MUTATIONS), label="text kind")
    at = data.draw(st.integers(min_value=0, max_value=max(len(raw) - 1, 0)), label="at")
    if kind == "truncate":
        out = raw[:at]
    elif kind == "flip":
        out = raw[:at] + bytes([raw[at] ^ data.draw(st.integers(1, 255), label="bits")]) + raw[at + 1:] if raw else b"\xff"
    elif kind == "insert":
        out = raw[:at] + data.draw(st.binary(min_size=1, max_size=16), label="bytes") + raw[at:]
    elif kind == "delete":
        out = raw[:at] + raw[at + data.draw(st.integers(1, 64), label="len"):]
    elif kind == "bom":
        out = b"\xef\xbb\xbf" + raw
    elif kind == "utf16":
        out = text.encode("utf-16")
    elif kind == "latin1":
        out = text.encode("latin-1", errors="replace") + "é".encode("latin-1")
    elif kind == "nul":
        out = raw[:at] + b"\x00" + raw[at:]
    elif kind == "crlf":
        out = raw.replace(b"\n", b"\r\n").replace(b",", b",\r")
    elif kind == "prefix":
        out = data.draw(st.sampled_from([b"PK\x03\x04", b"\x1b[0m", b"Terraform will perform", b"null", b"[", b"{}",
                                         b'{"@level":"info"}\n']), label="prefix") + raw
    else:
        out = raw + raw
    return out, f"{kind} at {at}"
