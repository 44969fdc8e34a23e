"""Fuzzing the HCL loader: random Terraform configurations built from the grammar's pieces.

A root module of a few files is drawn from blocks (resource, data, variable, locals, output,
module, provider, terraform), with arguments whose expressions are drawn recursively from every
construct HCL has: literals (with hostile unicode and escapes), templates with interpolations and
``%{if}`` / ``%{for}`` directives, heredocs (``<<EOT`` and ``<<-EOT``), for-expressions (tuple and
object, with ``if`` and grouping ``...``), splats (``[*]`` and ``.*``), conditionals, operators,
function calls (known, unknown and provider-defined names), index and attribute access, and
references to things that exist and things that do not.  Some cases are then mangled as text
(truncated, bytes inserted).  Each runs ``auditgate check DIR`` in-process under the fail-closed
contract of ``harness.check_closed``.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, note, settings
from hypothesis import strategies as st

from .conftest import budget
from .harness import COUNTER, check_closed, run_cli
from .test_fuzz_plans import FORMATS

pytestmark = pytest.mark.slow

HCL_CASES = budget(2000, "hcl")

TYPES = ["aws_s3_bucket", "aws_cloudtrail", "aws_cloudwatch_log_group", "aws_kms_key", "aws_iam_role",
         "aws_flow_log", "aws_s3_bucket_policy", "aws_iam_policy", "aws_config_configuration_recorder",
         "aws_cloudwatch_metric_alarm", "aws_s3_bucket_logging", "aws_db_instance", "aws_vpc",
         "aws_s3_bucket_server_side_encryption_configuration", "aws_unknown_thing", "random_id"]
ARGS = ["name", "bucket", "arn", "policy", "kms_key_id", "tags", "s3_bucket_name", "is_multi_region_trail",
        "enable_log_file_validation", "retention_in_days", "enable_key_rotation", "assume_role_policy",
        "log_destination", "traffic_type", "vpc_id", "password", "description", "count_me", "cidr_block"]
BLOCKS = ["event_selector", "rule", "statement", "lifecycle", "dynamic", "tags", "server_side_encryption_configuration"]
NAMES = ["a", "b", "this", "main", "x"]
FUNCTIONS = ["length", "jsonencode", "jsondecode", "lookup", "merge", "concat", "flatten", "format", "join",
             "split", "replace", "lower", "upper", "try", "can", "coalesce", "tostring", "tonumber", "tobool",
             "toset", "tolist", "tomap", "element", "keys", "values", "range", "contains", "distinct",
             "compact", "zipmap", "setproduct", "substr", "regex", "regexall", "trimspace", "base64encode",
             "sha256", "cidrsubnet", "templatefile", "file", "fileexists", "sensitive", "nonsensitive",
             "one", "sum", "max", "min", "abs", "ceil", "pow", "formatlist", "startswith", "strrev",
             "timestamp", "uuid", "nosuchfunction", "provider::aws::arn_parse"]

# characters a string literal may hold (escaped where HCL needs it)
_CHARS = st.one_of(st.characters(blacklist_categories=("Cs",)), st.sampled_from(
    ["\\n", "\\t", '\\"', "\\\\", "\\u00e9", "\\U0001F600", "$${", "%%{", "\u202e", "\u200d", "\ufeff", "é"]))


def _escape(text: str) -> str:
    out = []
    for ch in text:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch in "\r\t" or ord(ch) < 0x20:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out).replace("${", "$${").replace("%{", "%%{")


plain_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20)
literal = st.one_of(
    st.builds(lambda t: f'"{_escape(t)}"', plain_text),
    st.builds(lambda parts: '"' + "".join(parts) + '"', st.lists(_CHARS.filter(lambda c: c not in '"\\\n\r')
                                                               .map(lambda c: c if len(c) > 1 else _escape(c)),
                                                               max_size=8)),
    st.integers(-10 ** 20, 10 ** 20).map(str),
    st.sampled_from(["0", "-1", "1.5", "1e3", "365", "2557", "true", "false", "null", '"true"',
                     '"365"', '""', "1e400", "99999999999999999999999999"]),
)

reference = st.one_of(
    st.builds(lambda n: f"var.{n}", st.sampled_from(NAMES + ["missing"])),
    st.builds(lambda n: f"local.{n}", st.sampled_from(NAMES + ["missing"])),
    st.builds(lambda t, n, a: f"{t}.{n}.{a}", st.sampled_from(TYPES[:6]), st.sampled_from(NAMES),
              st.sampled_from(ARGS + ["id", "arn", "nothing"])),
    st.builds(lambda t, n, a: f"data.{t}.{n}.{a}", st.sampled_from(["aws_caller_identity", "aws_iam_policy_document",
                                                                  "aws_region", "aws_partition"]),
              st.sampled_from(NAMES), st.sampled_from(["account_id", "json", "name", "partition", "nope"])),
    st.builds(lambda n, o: f"module.{n}.{o}", st.sampled_from(NAMES), st.sampled_from(["out", "arn", "missing"])),
    st.sampled_from(["count.index", "each.key", "each.value", "each.value.name", "path.module", "path.root",
                     "terraform.workspace", "self.arn", "aws_s3_bucket.a[0].arn", 'aws_s3_bucket.a["k"].id',
                     "aws_s3_bucket.a[*].arn", "aws_s3_bucket.a.*.arn", "var.a[0]", 'var.a["k"]', "local.a.b.c"]),
)


def _template(parts: list[str]) -> str:
    return '"' + "".join(parts) + '"'


def _extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.builds(lambda xs: "[" + ", ".join(xs) + "]", st.lists(inner, max_size=4)),
        st.builds(lambda kv: "{" + ", ".join(f"{k} = {v}" for k, v in kv) + "}",
                  st.lists(st.tuples(st.sampled_from(NAMES + ['"quoted key"', '"${1}"', "(var.a)"]), inner),
                           max_size=4)),
        st.builds(lambda f, xs, exp: f"{f}({', '.join(xs)}{'...' if exp and xs else ''})",
                  st.sampled_from(FUNCTIONS), st.lists(inner, max_size=3), st.booleans()),
        st.builds(lambda c, a, b: f"{c} ? {a} : {b}", inner, inner, inner),
        st.builds(lambda a, op, b: f"{a} {op} {b}", inner,
                  st.sampled_from(["+", "-", "*", "/", "%", "==", "!=", "<", ">=", "&&", "||"]), inner),
        st.builds(lambda op, a: f"{op}({a})", st.sampled_from(["!", "-"]), inner),
        st.builds(lambda a: f"({a})", inner),
        st.builds(lambda a, i: f"{a}[{i}]", inner, inner),
        st.builds(lambda a, n: f"{a}.{n}", inner, st.sampled_from(NAMES + ["0", "arn"])),
        st.builds(lambda a, s: f"{a}{s}", inner, st.sampled_from(["[*]", ".*", "[*].arn", ".*.id"])),
        # for-expressions
        st.builds(lambda v, coll, body, cond: f"[for {v} in {coll} : {body}{f' if {cond}' if cond else ''}]",
                  st.sampled_from(["x", "k, x", "i, v"]), inner, inner, st.one_of(st.none(), inner)),
        st.builds(lambda coll, k, body, group: f"{{for k, x in {coll} : {k} => {body}{'...' if group else ''}}}",
                  inner, st.sampled_from(["k", "x", "upper(k)", '"${k}-x"']), inner, st.booleans()),
        # templates with interpolation and directives
        st.builds(lambda pre, x, post: _template([_escape(pre), "${", x, "}", _escape(post)]), plain_text, inner,
                  plain_text),
        st.builds(lambda c, a, b: _template(["%{ if ", c, " }", _escape(a), "%{ else }", _escape(b), "%{ endif }"]),
                  inner, plain_text, plain_text),
        st.builds(lambda coll, strip: _template(["%{" + ("~" if strip else "") + " for x in ", coll, " }${x},%{ endfor }"]),
                  inner, st.booleans()),
    )


expression = st.recursive(st.one_of(literal, reference), _extend, max_leaves=10)

heredoc = st.builds(
    lambda indent, marker, lines: (f"<<{'-' if indent else ''}{marker}\n" +
                                   "".join(("    " if indent else "") + line + "\n" for line in lines) +
                                   ("  " if indent else "") + marker),
    st.booleans(), st.sampled_from(["EOT", "POLICY", "EOF"]),
    st.lists(st.one_of(plain_text.map(lambda t: " ".join(t.splitlines())),
                       st.sampled_from(['{"Version": "2012-10-17"}', "${var.a}", "%{ if true }x%{ endif }",
                                        "$${literal}", "  indented", "EOTX"])), max_size=5),
)

value = st.one_of(expression, expression, heredoc)


def _attr(name: str, val: str) -> str:
    return f"  {name} = {val}\n"


@st.composite
def body(draw, depth: int = 0) -> str:
    out = []
    for name in draw(st.lists(st.sampled_from(ARGS), max_size=5, unique=True)):
        out.append(_attr(name, draw(value)))
    if draw(st.integers(0, 4)) == 0:
        out.append(_attr(draw(st.sampled_from(["count", "for_each", "depends_on", "provider"])),
                         draw(st.one_of(expression, st.sampled_from(["2", "0", "var.a ? 1 : 0", "toset([\"a\", \"b\"])",
                                                                     "{a = 1, b = 2}", "aws.nhc", "[aws_s3_bucket.a]",
                                                                     "1000", "-1", "1.5"])))))
    if depth < 2:
        for block in draw(st.lists(st.sampled_from(BLOCKS), max_size=2)):
            if block == "dynamic":
                out.append(f'  dynamic "rule" {{\n    for_each = {draw(expression)}\n    content {{\n'
                           f'  {draw(body(depth + 1))}    }}\n  }}\n')
            else:
                out.append(f"  {block} {{\n{draw(body(depth + 1))}  }}\n")
    return "".join(out)


@st.composite
def block(draw) -> tuple[str, str]:
    """(what it declares, its text): a configuration declares each thing once (terraform refuses
    duplicates, and so does auditgate: a duplicate is a case wasted)."""
    kind = draw(st.sampled_from(["resource"] * 4 + ["data", "variable", "locals", "output", "module", "provider",
                                                    "terraform"]))
    if kind in ("resource", "data"):
        rtype, name = draw(st.sampled_from(TYPES)), draw(st.sampled_from(NAMES))
        return f"{kind}.{rtype}.{name}", f'{kind} "{rtype}" "{name}" {{\n{draw(body())}}}\n'
    if kind == "variable":
        parts = [_attr("type", draw(st.sampled_from(["string", "number", "bool", "list(string)", "map(any)",
                                                      "object({a = string, b = optional(number, 1)})", "any",
                                                      "set(string)", "tuple([string, number])", "nosuchtype"])))]
        if draw(st.booleans()):
            parts.append(_attr("default", draw(value)))
        if draw(st.booleans()):
            parts.append(_attr("sensitive", draw(st.sampled_from(["true", "false", '"yes"']))))
        if draw(st.integers(0, 3)) == 0:
            parts.append(f"  validation {{\n    condition = {draw(expression)}\n    error_message = \"bad\"\n  }}\n")
        name = draw(st.sampled_from(NAMES))
        return f"variable.{name}", f'variable "{name}" {{\n{"".join(parts)}}}\n'
    if kind == "locals":
        names = draw(st.lists(st.sampled_from(NAMES), max_size=4, unique=True))
        return "locals." + ",".join(names), "locals {\n" + "".join(_attr(n, draw(value)) for n in names) + "}\n"
    if kind == "output":
        name = draw(st.sampled_from(NAMES + ["out"]))
        return f"output.{name}", f'output "{name}" {{\n{_attr("value", draw(value))}}}\n'
    if kind == "module":
        source = draw(st.sampled_from(['"./child"'] * 6 + ['"./missing"', '"terraform-aws-modules/s3-bucket/aws"',
                                                           '"git::https://example.com/x.git"', '"."', "var.a"]))
        name = draw(st.sampled_from(NAMES))
        return f"module.{name}", f'module "{name}" {{\n  source = {source}\n{draw(body())}}}\n'
    if kind == "provider":
        alias = draw(st.sampled_from(['"nhc"', '"nvs"', '"a"', "var.a", '""']))
        return f"provider.{alias}", f'provider "aws" {{\n{_attr("alias", alias)}{_attr("region", draw(value))}}}\n'
    return "terraform", 'terraform {\n  required_version = ">= 1.0"\n  required_providers {\n    aws = {\n' \
           f'      source = "hashicorp/aws"\n      version = {draw(value)}\n    }}\n  }}\n}}\n'


config_text = st.lists(block(), min_size=1, max_size=6, unique_by=lambda b: b[0]).map(
    lambda blocks: "\n".join(text for _, text in blocks))
# a child module: only resources and variables (it is called with whatever arguments the caller drew)
child_text = st.lists(block().filter(lambda b: b[0].startswith(("resource.", "data.", "variable.", "output."))),
                      max_size=4, unique_by=lambda b: b[0]).map(lambda blocks: "\n".join(text for _, text in blocks))


def _write(root: Path, files: dict[str, bytes]) -> None:
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


@settings(max_examples=HCL_CASES)
@given(data=st.data())
def _fuzz_hcl(tmp: Path, data):
    files = {"main.tf": data.draw(config_text, label="main.tf")}
    files["child/main.tf"] = data.draw(child_text, label="child/main.tf")
    if data.draw(st.integers(0, 4), label="json") == 0:
        files["extra.tf.json"] = json.dumps({"resource": {"aws_s3_bucket": {"j": {"bucket": "${var.a}"}}},
                                             "variable": {"a": {"default": data.draw(plain_text, label="json default")}}})
    raw = {name: text.encode("utf-8", "surrogatepass") for name, text in files.items()}
    how = data.draw(st.sampled_from(["as is"] * 4 + ["truncate", "insert", "crlf", "bom"]), label="mangle")
    main = raw["main.tf"]
    at = data.draw(st.integers(0, max(len(main) - 1, 0)), label="at")
    if how == "truncate":
        raw["main.tf"] = main[:at]
    elif how == "insert":
        raw["main.tf"] = main[:at] + data.draw(st.sampled_from([b"{", b"}", b'"', b"${", b"<<EOT\n", b"\x00", b"\xff",
                                                                  b"\n", b"#", b"/*", b"]", b"=", b"\\"]),
                                               label="inserted") + main[at:]
    elif how == "crlf":
        raw["main.tf"] = main.replace(b"\n", b"\r\n")
    elif how == "bom":
        raw["main.tf"] = b"\xef\xbb\xbf" + main
    note(raw["main.tf"].decode("utf-8", "replace"))
    root = tmp / "root"
    _write(root, raw)
    fmt = data.draw(st.sampled_from(FORMATS), label="format")
    result = run_cli(["check", str(root), "--format", fmt], test="hcl")
    check_closed(result, fmt)


def test_random_hcl_fails_closed(tmp_path):
    before = COUNTER.cases
    _fuzz_hcl(tmp_path)
    assert COUNTER.cases - before >= HCL_CASES
