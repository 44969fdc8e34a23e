"""The HCL loader: parsing, static evaluation, module expansion, references, errors."""
from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import pytest

from lint_rules.errors import InputError
from lint_rules.loaders import load_path
from lint_rules.loaders.hcl import load_hcl_dir
from lint_rules.model import UNKNOWN, Hole, Model, PartialString

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "hcl"


def write(root: Path, files: dict[str, str] | str) -> Path:
    if isinstance(files, str):
        files = {"main.tf": files}
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text))
    return root


def load(tmp_path: Path, files: dict[str, str] | str, **kwargs):
    return load_hcl_dir(write(tmp_path, files), **kwargs)


def values_of(tmp_path: Path, body: str, prelude: str = "", **kwargs) -> dict:
    """Evaluate the arguments of one resource `t.r` whose body is ``body``."""
    text = textwrap.dedent(prelude) + 'resource "t" "r" {\n' + textwrap.dedent(body) + "\n}\n"
    model = load(tmp_path, text, **kwargs)
    return model.get("t.r").values


def load_error(tmp_path: Path, files, **kwargs) -> str:
    with pytest.raises(InputError) as info:
        load(tmp_path, files, **kwargs)
    message = str(info.value)
    assert "\n" not in message, message
    assert "Traceback" not in message
    return message


# --- variables -------------------------------------------------------------------------------------

PRECEDENCE = {
    "main.tf": """
        variable "a" { default = "default" }
        variable "b" { default = "default" }
        variable "c" { default = "default" }
        variable "d" { default = "default" }
        variable "e" { default = "default" }
        variable "f" { default = "default" }
        resource "t" "r" {
          a = var.a
          b = var.b
          c = var.c
          d = var.d
          e = var.e
          f = var.f
        }
    """,
    "terraform.tfvars": 'b = "tfvars"\nc = "tfvars"\nd = "tfvars"\ne = "tfvars"\nf = "tfvars"\n',
    "a.auto.tfvars": 'c = "auto-a"\nd = "auto-a"\ne = "auto-a"\nf = "auto-a"\n',
    "b.auto.tfvars.json": '{"d": "auto-b", "e": "auto-b", "f": "auto-b"}',
}


def test_variable_precedence(tmp_path):
    write(tmp_path, PRECEDENCE)
    extra = tmp_path / "extra.tfvars"
    extra.write_text('e = "var-file"\nf = "var-file"\n')
    model = load_hcl_dir(tmp_path, var_files=[str(extra)], variables={"f": "cli"})
    assert model.get("t.r").values | {} == {
        "a": "default", "b": "tfvars", "c": "auto-a", "d": "auto-b", "e": "var-file", "f": "cli",
        "id": UNKNOWN, "arn": UNKNOWN,
    }


def test_later_var_file_wins_and_json_var_file(tmp_path):
    write(tmp_path, 'variable "x" {}\nresource "t" "r" { x = var.x }\n')
    first, second = tmp_path / "one.tfvars", tmp_path / "two.tfvars.json"
    first.write_text('x = "one"\n')
    second.write_text(json.dumps({"x": {"nested": [1, 2]}}))
    model = load_hcl_dir(tmp_path, var_files=[str(first), str(second)])
    assert model.get("t.r").values["x"] == {"nested": [1, 2]}


def test_cli_variables_typed_and_untyped(tmp_path):
    prelude = """
        variable "n" { type = number }
        variable "flag" { type = bool }
        variable "names" { type = list(string) }
        variable "s" { type = string }
        variable "raw" {}
        variable "obj" {}
    """
    values = values_of(tmp_path, "n = var.n\nflag = var.flag\nnames = var.names\ns = var.s\n"
                                 "raw = var.raw\nobj = var.obj", prelude,
                       variables={"n": "3", "flag": "true", "names": '["a", "b"]', "s": "[x]",
                                  "raw": "30", "obj": '{ a = 1 }'})
    assert values["n"] == 3
    assert values["flag"] is True
    assert values["names"] == ["a", "b"]
    assert values["s"] == "[x]"  # a string variable takes the text as is
    assert values["raw"] == "30"  # an untyped variable given a plain word is a string
    assert values["obj"] == {"a": 1}


def test_variable_without_value_is_unknown_and_noted(tmp_path):
    model = load(tmp_path, 'variable "region" {}\nresource "t" "r" { region = var.region }\n')
    assert model.get("t.r").values["region"] is UNKNOWN
    assert any("var.region" in d and "no default" in d for d in model.diagnostics)


def test_variable_type_conversion_and_optional_attributes(tmp_path):
    prelude = """
        variable "cfg" {
          type = object({
            name      = string
            retention = optional(number, 365)
            enabled   = optional(bool)
          })
          default = { name = "n" }
        }
        variable "days" {
          type    = number
          default = "90"
        }
        variable "ids" {
          type    = set(string)
          default = ["b", "a", "b"]
        }
    """
    values = values_of(tmp_path, "cfg = var.cfg\ndays = var.days\nids = var.ids", prelude)
    assert values["cfg"] == {"name": "n", "retention": 365, "enabled": None}
    assert values["days"] == 90
    assert values["ids"] == ["a", "b"]


# --- locals, templates, conditionals ------------------------------------------------------------------

def test_locals_chain_and_templates(tmp_path):
    prelude = """
        variable "env" { default = "prod" }
        locals {
          name   = "audit-${var.env}"
          bucket = "${local.name}-logs"
          tags   = { Env = var.env, Name = local.name }
        }
    """
    values = values_of(tmp_path, 'bucket = local.bucket\ntags = local.tags\nescaped = "$${x} %%{y}"\n'
                                 'quoted = "a\\"b\\tc"\nwhole = "${local.tags}"', prelude)
    assert values["bucket"] == "audit-prod-logs"
    assert values["tags"] == {"Env": "prod", "Name": "audit-prod"}
    assert values["escaped"] == "${x} %{y}"
    assert values["quoted"] == 'a"b\tc'
    assert values["whole"] == {"Env": "prod", "Name": "audit-prod"}  # "${x}" alone keeps x's type


def test_local_cycle_is_unknown_not_a_crash(tmp_path):
    model = load(tmp_path, """
        locals {
          a = local.b
          b = local.a
        }
        resource "t" "r" { x = local.a }
    """)
    assert model.get("t.r").values["x"] is UNKNOWN
    assert any("cycle" in d for d in model.diagnostics)


def test_heredocs_and_template_directives(tmp_path):
    prelude = 'variable "names" { default = ["a", "b"] }\nvariable "on" { default = true }\n'
    body = '''
        flush = <<-EOT
          first ${var.names[0]}
            indented
          EOT
        plain = <<EOT
        {"x": "${var.names[1]}"}
        EOT
        loop = "%{ for n in var.names ~}[${n}]%{ endfor ~}"
        flush_strip = <<-EOT
          %{ for x in var.names ~}
          ${x}
          %{ endfor ~}
          EOT
        branch = "%{ if var.on }yes%{ else }no%{ endif }"
    '''
    values = values_of(tmp_path, body, prelude)
    assert values["flush"] == "first a\n  indented\n"
    assert values["flush_strip"] == "  a\n  b\n"  # as terraform 1.11 renders it, quirk included
    assert values["plain"] == '{"x": "b"}\n'
    assert values["loop"] == "[a][b]"
    assert values["branch"] == "yes"


def test_conditionals(tmp_path):
    prelude = 'variable "on" { default = false }\nvariable "unset" {}\n'
    values = values_of(tmp_path, 'a = var.on ? "x" : "y"\nb = var.unset ? "x" : "y"\n'
                                 'c = var.on && var.unset\nd = var.unset == null ? 1 : 2', prelude)
    assert values["a"] == "y"
    assert values["b"] is UNKNOWN
    assert values["c"] is False  # false && anything
    assert values["d"] is UNKNOWN


# --- expressions and functions ------------------------------------------------------------------------

EXPRESSIONS = [
    ("1 + 2 * 3", 7),
    ("10 / 4", 2.5),
    ("7 % 3", 1),
    ("-(2 - 5)", 3),
    ("1 < 2 && 2 >= 2", True),
    ('1 == "1"', False),
    ("!false || false", True),
    ("1.5e3", 1500),
    ('[for s in ["a", "b"] : upper(s)]', ["A", "B"]),
    ('{ for k, v in { a = 1, b = 2 } : k => v * 10 if v > 1 }', {"b": 20}),
    ('{ for s in ["x", "y", "x"] : s => s... }', {"x": ["x", "x"], "y": ["y"]}),
    ('[{ a = 1 }, { a = 2 }][*].a', [1, 2]),
    ('{ a = { b = ["z"] } }.a.b[0]', "z"),
    ('{ (lower("K")) = 1, "q" = 2, bare = 3 }', {"k": 1, "q": 2, "bare": 3}),
    ('jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Resource = "*" }] })',
     '{"Statement":[{"Effect":"Allow","Resource":"*"}],"Version":"2012-10-17"}'),
    ('jsondecode("{\\"a\\": [1, 2.5]}")', {"a": [1, 2.5]}),
    ('merge({ a = 1 }, null, { b = 2 })', {"a": 1, "b": 2}),
    ('concat(["a"], ["b", "c"])', ["a", "b", "c"]),
    ('length({ a = 1, b = 2 })', 2),
    ('lookup({ a = 1 }, "b", 0)', 0),
    ('element(["a", "b"], 3)', "b"),
    ('format("%s-%03d-%.1f-%t-%q", "x", 7, 1.25, true, "y")', 'x-007-1.2-true-"y"'),
    ('lower("AbC")', "abc"),
    ('upper("abc")', "ABC"),
    ('join("/", ["a", "b"])', "a/b"),
    ('split(",", "a,b")', ["a", "b"]),
    ('replace("a-b", "-", "_")', "a_b"),
    ('replace("a1b22", "/[0-9]+/", "#")', "a#b#"),
    ('trimspace("  x ")', "x"),
    ('toset(["b", "a", "b"])', ["a", "b"]),
    ('tolist(["a"])', ["a"]),
    ('tomap({ a = "x" })', {"a": "x"}),
    ('tostring(5)', "5"),
    ('tonumber("5")', 5),
    ('try({ a = 1 }.b, "fallback")', "fallback"),
    ('can({ a = 1 }.b)', False),
    ('can({ a = 1 }.a)', True),
    ('coalesce("", null, "c")', "c"),
    ('compact(["a", "", null, "b"])', ["a", "b"]),
    ('distinct(["a", "b", "a"])', ["a", "b"]),
    ('flatten([[1, [2]], 3])', [1, 2, 3]),
    ('keys({ b = 1, a = 2 })', ["a", "b"]),
    ('values({ b = 1, a = 2 })', [2, 1]),
    ('contains(["a", "b"], "b")', True),
    ('min(3, 1, 2)', 1),
    ('max([4, 5]...)', 5),
    ('abs(-3)', 3),
    ('ceil(1.2)', 2),
    ('floor(1.8)', 1),
    ('substr("hello", 1, 3)', "ell"),
    ('startswith("arn:aws", "arn:")', True),
    ('endswith("a.json", ".json")', True),
    ('zipmap(["a", "b"], [1, 2])', {"a": 1, "b": 2}),
    ('range(3)', [0, 1, 2]),
    ('formatlist("arn:aws:s3:::%s/*", ["a", "b"])', ["arn:aws:s3:::a/*", "arn:aws:s3:::b/*"]),
    ('sort(["b", "a"])', ["a", "b"]),
    ('one(["x"])', "x"),
    ('one([])', None),
    # fidelity details checked against `terraform console` (Terraform 1.11)
    ("0.1 + 0.2", 0.3),
    ("1 / 3", 0.3333333333333333),
    ('[for k, v in toset(["b", "a"]) : k]', ["a", "b"]),  # a set's keys are its elements
    ('[for k, v in ["b", "a"] : k]', [0, 1]),
    ('tomap({ a = 1, b = "x" })', {"a": "1", "b": "x"}),  # element types unify to string
    ('"${1.5}/${10 / 4}/${1e3}/${true}"', "1.5/2.5/1000/true"),
    ('jsonencode({ b = "<&>", a = [1, 2.5, true, null] })',
     '{"a":[1,2.5,true,null],"b":"\\u003c\\u0026\\u003e"}'),
    ('format("%-4s|%4d|%+d|%x|%5.1f|%.3s|%%", "a", 3, 5, 255, 3.14159, "abcdef")', "a   |   3|+5|ff|  3.1|abc|%"),
    ('replace("a1b22", "/([0-9])+/", "<$1>")', "a<1>b<2>"),
    # terraform console 1.11 gives these (the VPC modules' subnet maths)
    ('cidrsubnet("10.0.0.0/16", 8, 4)', "10.0.4.0/24"),
    ('cidrhost("10.0.0.0/24", -2)', "10.0.0.254"),
    ('cidrnetmask("10.1.0.0/20")', "255.255.240.0"),
    ('cidrsubnets("10.1.0.0/16", 4, 4, 8, 4)', ["10.1.0.0/20", "10.1.16.0/20", "10.1.32.0/24", "10.1.48.0/20"]),
    ('cidrsubnet("fd00:fd12:3456:7890::/56", 16, 162)', "fd00:fd12:3456:7800:a200::/72"),
    ('tobool("1")', True),
    ('tonumber("+5")', 5),
    ('"n=${1e20}"', "n=100000000000000000000"),
]


@pytest.mark.parametrize("expression,expected", EXPRESSIONS, ids=[e for e, _ in EXPRESSIONS])
def test_expressions(tmp_path, expression, expected):
    assert values_of(tmp_path, f"v = {expression}")["v"] == expected


UNKNOWN_EXPRESSIONS = [
    "var.unset",
    '"prefix-${var.unset}"',
    'jsonencode({ a = { b = var.unset } })',
    "timestamp()",
    'provider::aws::arn_parse("x")',
    "var.unset + 1",
    "length(var.unset)",
    'try(var.unset, "x")',
    "[for s in var.unset : s]",
    '[for s in ["a"] : s if s == var.unset]',
    "{ a = 1 }.missing",  # an evaluation error is unknown, never a guess
    "[1][3]",
    "aws_s3_bucket.b.arn",
    "aws_s3_bucket.b.id",
    "data.aws_caller_identity.me.account_id",
]


@pytest.mark.parametrize("expression", UNKNOWN_EXPRESSIONS)
def test_unknown_propagation(tmp_path, expression):
    prelude = 'variable "unset" {}\nresource "aws_s3_bucket" "b" { bucket = "b" }\n' \
              'data "aws_caller_identity" "me" {}\n'
    assert values_of(tmp_path, f"v = {expression}", prelude)["v"] is UNKNOWN


def test_partially_unknown_collections_keep_their_known_parts(tmp_path):
    prelude = 'variable "unset" {}\n'
    values = values_of(tmp_path, 'l = ["a", var.unset]\nn = length(["a", var.unset])\n'
                                 'm = merge({ a = 1 }, { b = var.unset })', prelude)
    assert values["l"] == ["a", UNKNOWN]
    assert values["n"] == 2
    assert values["m"] == {"a": 1, "b": UNKNOWN}


def test_file_and_templatefile_relative_to_module(tmp_path):
    model = load(tmp_path, {
        "main.tf": 'module "p" { source = "./mod" }\n',
        "mod/main.tf": """
            resource "aws_iam_policy" "p" {
              policy = file("${path.module}/policy.json")
              text   = templatefile("${path.module}/t.tpl", { name = "N", items = ["a", "b"] })
              where  = path.module
            }
        """,
        "mod/policy.json": '{"Version": "2012-10-17"}',
        "mod/t.tpl": "Hello ${name}!%{ for i in items } [${i}]%{ endfor }",
    })
    values = model.get("module.p.aws_iam_policy.p").values
    assert json.loads(values["policy"]) == {"Version": "2012-10-17"}
    assert values["text"] == "Hello N! [a] [b]"
    assert values["where"] == "mod"


# --- resources ---------------------------------------------------------------------------------------

def test_count_and_for_each_instances(tmp_path):
    model = load(tmp_path, """
        variable "names" { default = ["x", "y"] }
        resource "aws_s3_bucket" "counted" {
          count  = length(var.names)
          bucket = "b-${count.index}-${var.names[count.index]}"
        }
        resource "aws_s3_bucket" "each" {
          for_each = { one = "1", two = "2" }
          bucket   = "e-${each.key}-${each.value}"
        }
        resource "aws_s3_bucket" "set" {
          for_each = toset(var.names)
          bucket   = each.value
        }
        resource "aws_s3_bucket" "none" {
          count = 0
        }
    """)
    assert [r.address for r in model] == [
        "aws_s3_bucket.counted[0]", "aws_s3_bucket.counted[1]",
        'aws_s3_bucket.each["one"]', 'aws_s3_bucket.each["two"]',
        'aws_s3_bucket.set["x"]', 'aws_s3_bucket.set["y"]',
    ]
    assert model.get("aws_s3_bucket.counted[1]").values["bucket"] == "b-1-y"
    assert model.get("aws_s3_bucket.counted[1]").index == 1
    assert model.get('aws_s3_bucket.each["two"]').values["bucket"] == "e-two-2"
    assert model.get('aws_s3_bucket.each["two"]').index == "two"
    assert model.get('aws_s3_bucket.set["y"]').values["bucket"] == "y"
    assert "count" not in model.get("aws_s3_bucket.counted[0]").values
    assert "for_each" not in model.get('aws_s3_bucket.each["one"]').values


def test_unknown_count_gives_one_resource_and_a_diagnostic(tmp_path):
    model = load(tmp_path, """
        variable "n" {}
        resource "aws_s3_bucket" "b" {
          count  = var.n
          bucket = "b-${count.index}"
        }
    """)
    assert [(r.address, r.index) for r in model] == [("aws_s3_bucket.b", None)]
    assert model.get("aws_s3_bucket.b").values["bucket"] is UNKNOWN
    assert any("aws_s3_bucket.b" in d and "count" in d for d in model.diagnostics)


def test_values_meta_arguments_identity_and_data(tmp_path):
    model = load(tmp_path, """
        resource "aws_s3_bucket" "b" {
          bucket     = "logs"
          depends_on = [aws_kms_key.k]
          provider   = aws.west
          lifecycle {
            prevent_destroy = true
          }
          server_side_encryption_configuration {
            rule {
              apply_server_side_encryption_by_default {
                sse_algorithm = "aws:kms"
              }
            }
          }
        }
        resource "aws_s3_bucket" "unnamed" {}
        resource "aws_kms_key" "k" {}
        data "aws_iam_policy_document" "p" {
          statement {
            actions   = ["s3:GetObject"]
            resources = ["${aws_s3_bucket.b.arn}/*"]
          }
        }
    """)
    bucket = model.get("aws_s3_bucket.b")
    assert set(bucket.values) == {"bucket", "server_side_encryption_configuration", "id", "arn"}
    assert bucket.values["id"] is UNKNOWN and bucket.values["arn"] is UNKNOWN
    assert bucket.get("server_side_encryption_configuration.0.rule.0."
                      "apply_server_side_encryption_by_default.0.sse_algorithm") == "aws:kms"
    assert "bucket" not in model.get("aws_s3_bucket.unnamed").values  # not guessed from bucket_prefix
    doc = model.get("data.aws_iam_policy_document.p")
    assert doc.mode == "data" and doc.type == "aws_iam_policy_document" and doc.name == "p"
    assert doc.values["statement"][0]["resources"] == [UNKNOWN]
    assert doc.refs == {"statement.0.resources": ("aws_s3_bucket.b",)}
    assert model.data("aws_iam_policy_document") == [doc]


def test_resource_attribute_references(tmp_path):
    model = load(tmp_path, """
        variable "env" { default = "prod" }
        resource "aws_s3_bucket" "logs" {
          bucket = "${var.env}-logs"
        }
        resource "aws_s3_bucket" "many" {
          count  = 2
          bucket = "many-${count.index}"
        }
        data "aws_iam_policy_document" "p" {
          statement {
            actions = ["s3:PutObject"]
          }
        }
        resource "aws_s3_bucket_policy" "p" {
          bucket = aws_s3_bucket.logs.bucket
          policy = data.aws_iam_policy_document.p.json
          second = aws_s3_bucket.many[1].bucket
          all    = aws_s3_bucket.many[*].bucket
          arns   = aws_s3_bucket.many[*].arn
          count_ = length(aws_s3_bucket.many)
          acts   = data.aws_iam_policy_document.p.statement[0].actions
        }
    """)
    policy = model.get("aws_s3_bucket_policy.p")
    assert policy.values["bucket"] == "prod-logs"
    assert policy.values["policy"] is UNKNOWN
    assert policy.values["second"] == "many-1"
    assert policy.values["all"] == ["many-0", "many-1"]
    assert policy.values["arns"] == [UNKNOWN, UNKNOWN]
    assert policy.values["count_"] == 2
    assert policy.values["acts"] == ["s3:PutObject"]
    assert policy.refs["bucket"] == ("aws_s3_bucket.logs",)
    assert policy.refs["policy"] == ("data.aws_iam_policy_document.p",)
    assert policy.refs["second"] == ("aws_s3_bucket.many[1]",)  # one instance: with its key
    assert model.targets(policy, "bucket", "aws_s3_bucket") == [model.get("aws_s3_bucket.logs")]


def test_reference_to_undeclared_resource_is_kept(tmp_path):
    model = load(tmp_path, 'resource "aws_cloudtrail" "t" { kms_key_id = aws_kms_key.missing.arn }\n')
    trail = model.get("aws_cloudtrail.t")
    assert trail.values["kms_key_id"] is UNKNOWN
    assert trail.refs["kms_key_id"] == ("aws_kms_key.missing",)


def test_conditional_refs_follow_the_taken_branch_only(tmp_path):
    model = load(tmp_path, """
        variable "use_cmk" { default = false }
        variable "unset" {}
        resource "aws_kms_key" "k" {}
        resource "aws_cloudtrail" "t" {
          kms_key_id = var.use_cmk ? aws_kms_key.k.arn : null
          other      = var.unset ? aws_kms_key.k.arn : null
        }
    """)
    trail = model.get("aws_cloudtrail.t")
    assert trail.values["kms_key_id"] is None and "kms_key_id" not in trail.refs
    assert trail.values["other"] is UNKNOWN and "other" not in trail.refs  # never guess a branch


def test_nested_and_dynamic_block_refs(tmp_path):
    model = load(tmp_path, """
        variable "selectors" {
          default = [
            { rw = "All", types = ["AWS::S3::Object"] },
            { rw = "WriteOnly", types = ["AWS::Lambda::Function"] },
          ]
        }
        variable "unset" {}
        resource "aws_s3_bucket" "data" { bucket = "data" }
        resource "aws_cloudtrail" "t" {
          event_selector {
            read_write_type = "All"
            data_resource {
              type   = "AWS::S3::Object"
              values = ["${aws_s3_bucket.data.arn}/"]
            }
          }
          dynamic "advanced_event_selector" {
            for_each = var.selectors
            iterator = sel
            content {
              name = sel.value.rw
              field_selector {
                field  = "resources.type"
                equals = sel.value.types
              }
            }
          }
          dynamic "insight_selector" {
            for_each = var.unset
            content {
              insight_type = insight_selector.value
            }
          }
        }
    """)
    trail = model.get("aws_cloudtrail.t")
    assert trail.refs == {"event_selector.0.data_resource.0.values": ("aws_s3_bucket.data",)}
    assert trail.refs_under("event_selector") == ("aws_s3_bucket.data",)
    assert trail.get("event_selector.0.data_resource.0.type") == "AWS::S3::Object"
    assert [b["name"] for b in trail.blocks("advanced_event_selector")] == ["All", "WriteOnly"]
    assert trail.get("advanced_event_selector.1.field_selector.0.equals") == ["AWS::Lambda::Function"]
    assert trail.values["insight_selector"] is UNKNOWN


def test_dynamic_block_over_resources_records_refs_on_the_block(tmp_path):
    model = load(tmp_path, """
        resource "aws_s3_bucket" "b" {
          for_each = toset(["x", "y"])
          bucket   = each.key
        }
        resource "aws_cloudtrail" "t" {
          dynamic "event_selector" {
            for_each = aws_s3_bucket.b
            content {
              read_write_type = "All"
            }
          }
        }
    """)
    trail = model.get("aws_cloudtrail.t")
    assert len(trail.blocks("event_selector")) == 2
    assert trail.refs_under("event_selector") == ("aws_s3_bucket.b",)


def test_each_value_carries_the_for_each_references(tmp_path):
    model = load(tmp_path, """
        resource "aws_s3_bucket" "b" {
          for_each = toset(["x", "y"])
          bucket   = "bkt-${each.key}"
        }
        resource "aws_s3_bucket_versioning" "v" {
          for_each = aws_s3_bucket.b
          bucket   = each.value.id
          label    = each.key
        }
        resource "aws_cloudtrail" "t" {
          dynamic "event_selector" {
            for_each = aws_s3_bucket.b
            content {
              data_resource {
                type   = "AWS::S3::Object"
                values = ["${event_selector.value.arn}/"]
              }
            }
          }
        }
    """)
    versioning = model.get('aws_s3_bucket_versioning.v["y"]')
    assert versioning.values["bucket"] is UNKNOWN and versioning.values["label"] == "y"
    # for_each over the resource itself: each.value of instance "y" is bucket "y" only
    assert versioning.refs == {"bucket": ('aws_s3_bucket.b["y"]',)}
    trail = model.get("aws_cloudtrail.t")
    assert len(trail.blocks("event_selector")) == 2
    assert trail.refs["event_selector"] == ("aws_s3_bucket.b",)
    assert trail.refs["event_selector.0.data_resource.0.values"] == ('aws_s3_bucket.b["x"]',)
    assert trail.refs["event_selector.1.data_resource.0.values"] == ('aws_s3_bucket.b["y"]',)


def test_refs_only_from_what_is_chosen(tmp_path):
    model = load(tmp_path, """
        variable "key_arn" { default = "arn:aws:kms:us-east-1:111122223333:key/abc" }
        resource "aws_kms_key" "k" {}
        resource "aws_cloudtrail" "t" {
          kms_key_id = coalesce(var.key_arn, aws_kms_key.k.arn)
          fallback   = coalesce("", aws_kms_key.k.arn)
          tried      = try({ a = aws_kms_key.k.arn }.missing, "x")
        }
    """)
    trail = model.get("aws_cloudtrail.t")
    assert trail.values["kms_key_id"] == "arn:aws:kms:us-east-1:111122223333:key/abc"
    assert "kms_key_id" not in trail.refs
    assert trail.values["fallback"] is UNKNOWN and trail.refs["fallback"] == ("aws_kms_key.k",)
    assert trail.values["tried"] == "x" and "tried" not in trail.refs


# --- modules ------------------------------------------------------------------------------------------

TRAIL_CHAIN = {
    "main.tf": """
        module "kms" {
          source = "./modules/kms"
        }
        module "trail" {
          source      = "./modules/trail"
          kms_key_arn = module.kms.key_arn
        }
    """,
    "modules/kms/main.tf": """
        resource "aws_kms_key" "this" {
          enable_key_rotation = true
        }
        output "key_arn" {
          value = aws_kms_key.this.arn
        }
    """,
    "modules/trail/main.tf": """
        variable "kms_key_arn" {
          type = string
        }
        locals {
          key = var.kms_key_arn
        }
        resource "aws_cloudtrail" "this" {
          name       = "org"
          kms_key_id = var.kms_key_arn
          via_local  = local.key
        }
    """,
}


def test_module_input_output_reference_chain(tmp_path):
    model = load(tmp_path, TRAIL_CHAIN)
    trail = model.get("module.trail.aws_cloudtrail.this")
    assert trail.module_path == "module.trail"
    assert trail.values["kms_key_id"] is UNKNOWN
    assert trail.refs["kms_key_id"] == ("module.kms.aws_kms_key.this",)
    assert trail.refs["via_local"] == ("module.kms.aws_kms_key.this",)
    key = model.get("module.kms.aws_kms_key.this")
    assert model.targets(trail, "kms_key_id", "aws_kms_key") == [key]


def test_module_count_and_for_each_instances(tmp_path):
    model = load(tmp_path, {
        "main.tf": """
            locals {
              vpcs = { "vpc-1" = "vpc-0aaa", "vpc-2" = "vpc-0bbb" }
            }
            module "flow" {
              source   = "./flow"
              for_each = local.vpcs
              vpc_id   = each.value
              name     = each.key
            }
            module "copies" {
              source = "./flow"
              count  = 2
              vpc_id = "vpc-${count.index}"
              name   = "copy${count.index}"
            }
            resource "t" "r" {
              group = module.flow["vpc-2"].group
              all   = [for k, m in module.flow : m.group]
              first = module.copies[0].group
            }
        """,
        "flow/main.tf": """
            variable "vpc_id" {}
            variable "name" {}
            resource "aws_cloudwatch_log_group" "this" {
              name = "/vpc/${var.name}"
            }
            resource "aws_flow_log" "this" {
              vpc_id          = var.vpc_id
              log_destination = aws_cloudwatch_log_group.this.arn
            }
            output "group" {
              value = aws_cloudwatch_log_group.this.name
            }
        """,
    })
    flow = model.get('module.flow["vpc-1"].aws_flow_log.this')
    assert flow.module_path == 'module.flow["vpc-1"]'
    assert flow.index is None
    assert flow.values["vpc_id"] == "vpc-0aaa"
    assert flow.refs["log_destination"] == ('module.flow["vpc-1"].aws_cloudwatch_log_group.this',)
    assert model.get("module.copies[1].aws_flow_log.this").values["vpc_id"] == "vpc-1"
    r = model.get("t.r")
    assert r.values["group"] == "/vpc/vpc-2"
    assert r.refs["group"] == ('module.flow["vpc-2"].aws_cloudwatch_log_group.this',)
    assert r.values["all"] == ["/vpc/vpc-1", "/vpc/vpc-2"]
    assert r.values["first"] == "/vpc/copy0"
    assert len(model.of_type("aws_flow_log")) == 4


def test_nested_modules_and_variable_defaults(tmp_path):
    model = load(tmp_path, {
        "main.tf": 'module "outer" {\n  source = "./outer"\n  env = "prod"\n}\n',
        "outer/main.tf": """
            variable "env" {}
            variable "retention" { default = 400 }
            module "inner" {
              source    = "../inner"
              name      = "${var.env}-x"
              retention = var.retention
            }
        """,
        "inner/main.tf": """
            variable "name" {}
            variable "retention" {}
            resource "aws_cloudwatch_log_group" "g" {
              name              = var.name
              retention_in_days = var.retention
            }
        """,
    })
    group = model.get("module.outer.module.inner.aws_cloudwatch_log_group.g")
    assert group.module_path == "module.outer.module.inner"
    assert group.values["name"] == "prod-x"
    assert group.values["retention_in_days"] == 400
    assert group.file == os.path.join(str(tmp_path), "inner", "main.tf")


def test_remote_module_not_followed(tmp_path):
    model = load(tmp_path, """
        module "vpc" {
          source  = "terraform-aws-modules/vpc/aws"
          version = "5.0.0"
        }
        resource "aws_flow_log" "f" {
          vpc_id = module.vpc.vpc_id
        }
    """)
    assert model.get("aws_flow_log.f").values["vpc_id"] is UNKNOWN
    assert "vpc_id" not in model.get("aws_flow_log.f").refs
    assert any("module.vpc" in d and "terraform-aws-modules/vpc/aws" in d and "not followed" in d
               for d in model.diagnostics)


def test_module_parsed_once(tmp_path, monkeypatch):
    import hcl2

    calls = []
    real = hcl2.parses_to_tree

    def counting(text):
        calls.append(text)
        return real(text)

    monkeypatch.setattr(hcl2, "parses_to_tree", counting)
    files = {"mod/main.tf": 'variable "n" {}\nresource "t" "r" { n = var.n }\n'}
    files["main.tf"] = "".join(f'module "m{i}" {{\n  source = "./mod"\n  n = {i}\n}}\n' for i in range(5))
    model = load(tmp_path, files)
    assert len(model) == 5
    assert model.get("module.m3.t.r").values["n"] == 3
    assert len(calls) == 2  # main.tf and mod/main.tf, each once


def test_fixture_module_chain():
    root = FIXTURES / "module_chain"
    model = load_hcl_dir(root)
    trail = model.get("module.trail.aws_cloudtrail.this")
    assert trail.values["name"] == "prod-org-trail"  # terraform.tfvars over the default
    assert trail.values["s3_bucket_name"] == "prod-audit-logs"
    assert trail.refs == {
        "s3_bucket_name": ("aws_s3_bucket.logs",),
        "kms_key_id": ("module.kms.aws_kms_key.this",),
        "event_selector.0.data_resource.0.values": ("aws_s3_bucket.logs",),
    }
    assert trail.get("event_selector.0.data_resource.0.values") == ["arn:aws:s3:::prod-audit-logs/"]
    alias = model.get("module.kms.aws_kms_alias.this")
    assert alias.values["name"] == "alias/prod-audit"
    assert alias.values["target_key_id"] is UNKNOWN
    assert alias.refs["target_key_id"] == ("module.kms.aws_kms_key.this",)
    flows = sorted(r.address for r in model.of_type("aws_flow_log"))
    assert flows == ['module.flow["vpc-1"].aws_flow_log.this', 'module.flow["vpc-2"].aws_flow_log.this']
    group = model.get('module.flow["vpc-2"].aws_cloudwatch_log_group.this')
    assert group.refs["kms_key_id"] == ("module.kms.aws_kms_key.this",)
    assert group.file == str(root / "modules" / "flow" / "main.tf") and group.line == 5
    assert any("module.vpc" in d for d in model.diagnostics)


# --- file / line ------------------------------------------------------------------------------------------

def test_file_and_line(tmp_path):
    model = load(tmp_path, {
        "a.tf": '# comment\n\nresource "aws_s3_bucket" "a" {\n  bucket = "a"\n}\n',
        "b.tf": 'locals {\n  x = 1\n}\n\n\ndata "aws_region" "here" {}\n'
                'resource "aws_s3_bucket" "b" {\n  count = 2\n}\n',
    })
    a = model.get("aws_s3_bucket.a")
    assert (a.file, a.line) == (os.path.join(str(tmp_path), "a.tf"), 3)
    assert model.get("data.aws_region.here").line == 6
    assert [(r.file, r.line) for r in model.instances("aws_s3_bucket.b")] == \
        [(os.path.join(str(tmp_path), "b.tf"), 7)] * 2


def test_override_files_merge(tmp_path):
    model = load(tmp_path, {
        "main.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = "base"\n  force_destroy = true\n}\n',
        "main_override.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = "override"\n}\n',
    })
    bucket = model.get("aws_s3_bucket.b")
    assert bucket.values["bucket"] == "override" and bucket.values["force_destroy"] is True
    assert bucket.line == 1 and bucket.file.endswith("main.tf")


def test_load_path_accepts_a_tf_file(tmp_path):
    write(tmp_path, 'resource "aws_s3_bucket" "b" { bucket = "x" }\n')
    model = load_path(str(tmp_path / "main.tf"))
    assert model.kind == "hcl" and [r.address for r in model] == ["aws_s3_bucket.b"]


# --- errors -------------------------------------------------------------------------------------------------

def test_syntax_error_is_one_line_with_position(tmp_path):
    message = load_error(tmp_path, {"ok.tf": "locals {}\n", "bad.tf": 'resource "a" "b" {\n  x = \n}\n'})
    assert message == f"{tmp_path / 'bad.tf'}:2:7: HCL syntax error: unexpected newline"


@pytest.mark.parametrize("text,position,token", [
    ('resource "a" "b" {\n  x = 1\n', ":3:1:", "end of file"),
    ("locals {\n  a = [1, 2\n  b = 3\n}\n", ":3:3:", "'b'"),
    ("x = @\n", ":1:5:", "'@'"),
])
def test_syntax_errors(tmp_path, text, position, token):
    message = load_error(tmp_path, text)
    assert f"main.tf{position} HCL syntax error: unexpected {token}" in message
    assert "Expected" not in message


def test_syntax_error_in_a_module(tmp_path):
    message = load_error(tmp_path, {"main.tf": 'module "m" { source = "./m" }\n',
                                    "m/main.tf": "locals {\n  = 1\n}\n"})
    assert message == os.path.join(str(tmp_path), "m", "main.tf") + ":2:3: HCL syntax error: unexpected '='"


def test_missing_module_directory_is_not_followed(tmp_path):
    """A local module directory that is not there: its contents are not known (issue 7, item 2) --
    recorded in Model.unfollowed_modules with a note, so that absence cannot pass."""
    model = load(tmp_path, 'module "logs" {\n  source = "./modules/logs"\n}\n')
    assert [(u.address, u.source) for u in model.unfollowed_modules] == [("module.logs", "./modules/logs")]
    assert "not found" in model.unfollowed_modules[0].reason
    assert any(d.startswith(f"{tmp_path / 'main.tf'}:1: module.logs") and "./modules/logs" in d
               and "not followed" in d for d in model.diagnostics)


def test_module_directory_without_tf_files(tmp_path):
    (tmp_path / "empty").mkdir()
    message = load_error(tmp_path, 'module "e" {\n  source = "./empty"\n}\n')
    assert 'module "e"' in message and "no .tf or .tf.json files" in message and ":1:" in message


def test_no_tf_files(tmp_path):
    (tmp_path / "notes.txt").write_text("hi")
    with pytest.raises(InputError) as info:
        load_hcl_dir(tmp_path)
    assert str(info.value) == f"no .tf or .tf.json files in {tmp_path}"


def test_unreadable_file(tmp_path):
    write(tmp_path, "locals {}\n")
    os.symlink(tmp_path / "does-not-exist", tmp_path / "broken.tf")
    message = load_error(tmp_path, {})
    assert message.startswith(f"{tmp_path / 'broken.tf'}: cannot read file")


def test_non_utf8_file(tmp_path):
    (tmp_path / "main.tf").write_bytes(b'locals { a = "\xff" }\n')
    with pytest.raises(InputError) as info:
        load_hcl_dir(tmp_path)
    assert "UTF-8" in str(info.value) and "main.tf" in str(info.value)


def test_module_cycle(tmp_path):
    message = load_error(tmp_path, {"main.tf": 'module "a" {\n  source = "./a"\n}\n',
                                    "a/main.tf": 'module "again" {\n  source = "../a"\n}\n'})
    assert "cycle" in message and 'module "again"' in message


def test_duplicate_resource(tmp_path):
    message = load_error(tmp_path, {"a.tf": 'resource "t" "x" {}\n', "b.tf": '\nresource "t" "x" {}\n'})
    assert message.startswith(f"{tmp_path / 'b.tf'}:2: duplicate resource")


def test_bad_var_files(tmp_path):
    write(tmp_path, 'variable "x" {}\n')
    with pytest.raises(InputError, match="var file not found"):
        load_hcl_dir(tmp_path, var_files=[str(tmp_path / "nope.tfvars")])
    (tmp_path / "bad.tfvars").write_text("x = [\n")
    with pytest.raises(InputError, match=r"bad\.tfvars:2:1: HCL syntax error"):
        load_hcl_dir(tmp_path, var_files=[str(tmp_path / "bad.tfvars")])
    (tmp_path / "bad.tfvars.json").write_text('{"x": ')
    with pytest.raises(InputError, match=r"bad\.tfvars\.json:1:7: invalid JSON"):
        load_hcl_dir(tmp_path, var_files=[str(tmp_path / "bad.tfvars.json")])


def test_not_a_directory(tmp_path):
    with pytest.raises(InputError, match="no such directory"):
        load_hcl_dir(tmp_path / "missing")


def test_indexing_instances_of_unknown_count(tmp_path):
    model = load(tmp_path, {
        "main.tf": """
            variable "enabled" {}
            module "kms" {
              source = "./kms"
              count  = var.enabled ? 1 : 0
            }
            resource "aws_s3_bucket" "b" {
              count  = var.enabled ? 1 : 0
              bucket = "logs"
            }
            resource "aws_cloudtrail" "t" {
              kms_key_id     = module.kms[0].key_arn
              s3_bucket_name = aws_s3_bucket.b[0].bucket
              name           = "t-${count.index}"
              count          = 1
            }
        """,
        "kms/main.tf": 'resource "aws_kms_key" "this" {}\noutput "key_arn" { value = aws_kms_key.this.arn }\n',
    })
    assert model.get("module.kms.aws_kms_key.this") is not None  # one representative instance
    trail = model.get("aws_cloudtrail.t[0]")
    assert trail.refs["kms_key_id"] == ("module.kms.aws_kms_key.this",)
    assert trail.values["s3_bucket_name"] == "logs"
    assert trail.refs["s3_bucket_name"] == ("aws_s3_bucket.b",)
    assert trail.values["name"] == "t-0"
    assert any("module.kms" in d and "count" in d for d in model.diagnostics)


# ---------------------------------------------------------------------------
# partially known values (Resource.partial, PartialString)
# ---------------------------------------------------------------------------
H = Hole


@pytest.mark.parametrize("parts, glob, expected", [
    (("acme-screenshots-", H()), "*screenshot*", True),
    ((H(), "-screenshots-", H()), "*screenshot*", True),
    ((H(), "-screenshots"), "*screenshot*", True),
    (("acme-", H(), "-logs"), "*screenshot*", UNKNOWN),  # the hole may hold "screenshot"
    (("acme-screen", H(), "shots"), "*screenshot*", UNKNOWN),  # not inside one known piece
    (("/app/django/", H()), "/app/django*", True),
    (("/app/django", H()), "/app/django/*", UNKNOWN),  # the "/" may or may not follow
    (("/ecs/", H()), "/app/django*", False),  # known prefix contradicts the glob's
    ((H(), ".log"), "*.txt", False),  # known suffix contradicts the glob's
    ((H(), ".log"), "*.log", True),
    (("a-", H(), "-b-", H(), "-c"), "a-*-b-*-c", True),
    (("a-", H(), "-c-", H(), "-b"), "a-*-b-*-c", False),  # suffix "-b" vs "-c"
    (("a-", H(), "-c-", H(), "-d"), "a-*-b-*-d", UNKNOWN),  # "-b-" may be in a hole
    (("ab", H()), "a*b*", True),
    (("acme-x", H()), "acme-?*", UNKNOWN),  # "?" / "[" globs are never proven
    (("bcme-x", H()), "acme-?*", False),
    (("acme", H()), "acme", UNKNOWN),  # exact name: a hole may be empty or not
    (("acmf", H()), "acme", False),
    ((H(),), "*", True),
    (("x",), "x", True),  # no hole: an ordinary string
])
def test_partial_string_could_match(parts, glob, expected):
    assert PartialString(parts).could_match(glob) is expected


def test_partial_string_could_match_prefix_and_middle_do_not_overlap():
    assert PartialString(("ab", H())).could_match("ab*b*") is UNKNOWN  # only one "b" after "ab"
    assert PartialString(("abb", H())).could_match("ab*b*") is True
    assert PartialString((H(), "ba")).could_match("*b*ba") is UNKNOWN
    assert PartialString((H(), "bba")).could_match("*b*ba") is True


def test_partial_string_parts_are_normalized_and_shown_as_a_template():
    p = PartialString(("a", "", "b", H(("aws_s3_bucket.b.arn",)), "/", H()))
    assert p.parts == ("ab", H(("aws_s3_bucket.b.arn",)), "/", H())
    assert p.prefix == "ab" and p.suffix == "" and len(p.holes) == 2
    assert p.template == "ab${aws_s3_bucket.b.arn}/${?}"
    with pytest.raises(TypeError):
        PartialString(("a", 1))


PARTIAL_PRELUDE = '''
data "aws_caller_identity" "current" {}
variable "v" {}
locals {
  prefix = "acme"
  name   = "${local.prefix}-shots-${data.aws_caller_identity.current.account_id}"
  doc    = jsonencode({ a = aws_s3_bucket.b.arn })
}
resource "aws_s3_bucket" "b" {
  bucket_prefix = "b-"
}
resource "aws_s3_bucket" "m" {
  count         = 2
  bucket_prefix = "m-"
}
'''


# a data source's attribute: a hole that says which (two such holes are the same text)
ACCOUNT_HOLE = H(source="data.aws_caller_identity.current.account_id")


def partial_of(tmp_path, body: str) -> tuple[dict, dict]:
    model = load(tmp_path, PARTIAL_PRELUDE + 'resource "t" "r" {\n' + textwrap.dedent(body) + "\n}\n")
    r = model.get("t.r")
    return r.values, r.partial


@pytest.mark.parametrize("expression, expected", [
    ('"${aws_s3_bucket.b.arn}/"', PartialString((H(("aws_s3_bucket.b.arn",)), "/"))),
    ('"arn:aws:s3:::${aws_s3_bucket.b.bucket}/x"',
     PartialString(("arn:aws:s3:::", H(("aws_s3_bucket.b.bucket",)), "/x"))),
    ('"${aws_s3_bucket.m[1].arn}/"', PartialString((H(('aws_s3_bucket.m[1].arn',)), "/"))),
    ('"acme-${data.aws_caller_identity.current.account_id}"', PartialString(("acme-", ACCOUNT_HOLE))),
    ('"acme-${var.v}-${upper(aws_s3_bucket.b.id)}"', PartialString(("acme-", H(), "-", H()))),
    ("aws_s3_bucket.b.arn", PartialString((H(("aws_s3_bucket.b.arn",)),))),
    ('"${aws_s3_bucket.b.id}"', PartialString((H(("aws_s3_bucket.b.id",)),))),
    ("local.name", PartialString(("acme-shots-", ACCOUNT_HOLE))),
    ('"${local.name}/x"', PartialString(("acme-shots-", ACCOUNT_HOLE, "/x"))),
    ('"%{ if var.v == "a" }x%{ else }y%{ endif }-z"', PartialString((H(), "-z"))),
    ('"%{ for s in ["a", "b"] }${s}${var.v}%{ endfor }"', PartialString(("a", H(), "b", H()))),
    ('true ? "a-${var.v}" : "b"', PartialString(("a-", H()))),
    ("<<-EOT\n  x-${var.v}\n  EOT", PartialString(("x-", H(), "\n"))),
    ('["k", "${var.v}-x", var.v]', ["k", PartialString((H(), "-x")), UNKNOWN]),
    ('jsonencode({ s = [{ r = "${aws_s3_bucket.b.arn}/*", e = "Allow", n = 1.0, l = [var.v] }] })',
     {"s": [{"r": PartialString((H(("aws_s3_bucket.b.arn",)), "/*")), "e": "Allow", "n": 1, "l": [UNKNOWN]}]}),
    ("jsonencode({ a = var.v })", {"a": UNKNOWN}),  # the keys alone are worth keeping
    ("local.doc", {"a": PartialString((H(("aws_s3_bucket.b.arn",)),))}),
    ('"${aws_s3_bucket.undeclared.arn}/"', PartialString((H(), "/"))),  # no resource: a hole without a ref
])
def test_partial_forms(tmp_path, expression, expected):
    values, partial = partial_of(tmp_path, f"x = {expression}")
    assert partial == {"x": expected}
    assert values["x"] is UNKNOWN or UNKNOWN in values["x"]  # the value itself is unchanged


@pytest.mark.parametrize("expression", [
    '"${var.v}"',  # nothing known
    '"${var.v}${var.v}"',
    "var.v",
    "aws_s3_bucket.b.tags",  # a bare reference is a string only for identity attributes
    "aws_s3_bucket.m.arn",  # not one instance
    "data.aws_caller_identity.current.account_id",  # data sources: no exact reference
    "jsonencode(var.v)",
    'jsonencode("a-${var.v}")',  # a JSON string: its text is not the attribute's text
    'var.v == "a" ? "x-${var.v}" : "y"',
    'upper("a-${var.v}")',
    '"a-b"',  # known
    '{ a = "x-${var.v}" }',  # an object attribute: only jsonencode() keeps a structure
    '[for s in [var.v] : "${s}-x"]',
])
def test_no_partial_form(tmp_path, expression):
    _, partial = partial_of(tmp_path, f"x = {expression}")
    assert partial == {}


def test_partial_forms_in_nested_and_dynamic_blocks(tmp_path):
    _, partial = partial_of(tmp_path, '''
        event_selector {
          data_resource {
            type   = "AWS::S3::Object"
            values = ["arn:aws:s3", "${aws_s3_bucket.b.arn}/"]
          }
        }
        dynamic "rule" {
          for_each = ["a", "b"]
          content {
            prefix = "${rule.value}/${var.v}"
          }
        }
    ''')
    assert partial == {
        "event_selector.0.data_resource.0.values": ["arn:aws:s3", PartialString((H(("aws_s3_bucket.b.arn",)), "/"))],
        "rule.0.prefix": PartialString(("a/", H())),
        "rule.1.prefix": PartialString(("b/", H())),
    }


def test_partial_reference_addresses_in_modules_and_for_each(tmp_path):
    model = load(tmp_path, {
        "main.tf": 'module "m" {\n  source = "./m"\n  for_each = toset(["x"])\n}\n',
        "m/main.tf": '''
            resource "aws_s3_bucket" "b" {
              for_each      = toset(["k"])
              bucket_prefix = "b-"
            }
            resource "t" "r" {
              values = ["${aws_s3_bucket.b["k"].arn}/"]
            }
        ''',
    })
    r = model.get('module.m["x"].t.r')
    assert r.partial == {"values": [PartialString((H(('module.m["x"].aws_s3_bucket.b["k"].arn',)), "/"))]}
    # the address names an instance the model has
    address = r.partial["values"][0].parts[0].refs[0].rpartition(".")[0]
    assert [b.address for b in model.instances(address)] == [address]


def test_partial_form_of_a_module_input(tmp_path):
    model = load(tmp_path, {
        "main.tf": '''
            data "aws_caller_identity" "current" {}
            module "shots" {
              source      = "./m"
              bucket_name = "acme-screenshots-${data.aws_caller_identity.current.account_id}"
            }
        ''',
        "m/main.tf": '''
            variable "bucket_name" {}
            resource "aws_s3_bucket" "this" {
              bucket = var.bucket_name
            }
        ''',
    })
    r = model.get("module.shots.aws_s3_bucket.this")
    assert r.values["bucket"] is UNKNOWN  # the value itself is unchanged
    # exactly as if the template were written in place
    assert r.partial == {"bucket": PartialString(("acme-screenshots-", ACCOUNT_HOLE))}
    assert r.partial["bucket"].could_match("*screenshot*") is True


def test_partial_form_of_a_template_using_a_module_input(tmp_path):
    model = load(tmp_path, {
        "main.tf": '''
            variable "env" {}
            module "logs" {
              source   = "./m"
              for_each = toset(["a"])
              prefix   = "acme-${each.key}-${var.env}"
            }
        ''',
        "m/main.tf": '''
            variable "prefix" { type = string }
            resource "aws_s3_bucket" "this" {
              bucket = "${var.prefix}-logs"
            }
        ''',
    })
    r = model.get('module.logs["a"].aws_s3_bucket.this')
    assert r.partial == {"bucket": PartialString(("acme-a-", H(), "-logs"))}


def test_model_partial_value(tmp_path):
    model = load(tmp_path, PARTIAL_PRELUDE + '''
        resource "t" "r" {
          known   = "a"
          partial = "a-${var.v}"
          opaque  = var.v
          list    = ["a", var.v]
        }
    ''')
    r = model.get("t.r")
    assert model.partial_value(r, "known") == "a"
    assert model.partial_value(r, "partial") == PartialString(("a-", H()))
    assert model.partial_value(r, "opaque") is UNKNOWN
    assert model.partial_value(r, "list") == ["a", UNKNOWN]  # nothing more known: the value as it is
    assert model.partial_value(r, "missing") is None


def test_plan_models_have_no_partial_forms():
    from lint_rules.loaders.plan import load_plan_document
    from tests.planbuilder import PlanBuilder

    doc = (PlanBuilder().resource("aws_s3_bucket_policy.p", {"bucket": "b"}, unknown=["policy"])
           .build())
    model = load_plan_document(doc, "<plan>")
    assert all(r.partial == {} for r in model)
    r = model.get("aws_s3_bucket_policy.p")
    assert Model.partial_value(model, r, "policy") is UNKNOWN


def test_reference_to_one_instance_keeps_its_key(tmp_path):
    model = load(tmp_path, {
        "main.tf": """
            variable "pick" {}
            resource "aws_vpc" "this" {
              for_each   = toset(["a", "b", "access]logs"])
              cidr_block = "10.0.0.0/16"
            }
            resource "aws_flow_log" "lit"   { vpc_id = aws_vpc.this["a"].id }
            resource "aws_flow_log" "odd"   { vpc_id = aws_vpc.this["access]logs"].id }
            resource "aws_flow_log" "unk"   { vpc_id = aws_vpc.this[var.pick].id }
            resource "aws_flow_log" "splat" { vpc_id = values(aws_vpc.this)[0].id }
            resource "aws_flow_log" "each" {
              for_each = aws_vpc.this
              vpc_id   = each.value.id
              other    = aws_vpc.this[each.key].arn
            }
            module "m" {
              source   = "./m"
              for_each = toset(["x"])
            }
        """,
        "m/main.tf": """
            resource "aws_s3_bucket" "b" { count = 2 }
            resource "aws_s3_bucket_versioning" "v" { bucket = aws_s3_bucket.b[count.index].id
                                                      count = 2 }
        """,
    })
    lit = model.get("aws_flow_log.lit")
    assert lit.refs["vpc_id"] == ('aws_vpc.this["a"]',)
    assert model.targets(lit, "vpc_id") == [model.get('aws_vpc.this["a"]')]
    odd = model.get("aws_flow_log.odd")
    assert model.targets(odd, "vpc_id") == [model.get('aws_vpc.this["access]logs"]')]
    assert model.get('aws_vpc.this["access]logs"]').config_address == "aws_vpc.this"
    # not statically known: every instance (conservative)
    assert model.get("aws_flow_log.unk").refs["vpc_id"] == ("aws_vpc.this",)
    assert model.get("aws_flow_log.splat").refs["vpc_id"] == ("aws_vpc.this",)
    each_b = model.get('aws_flow_log.each["b"]')
    assert each_b.refs["vpc_id"] == ('aws_vpc.this["b"]',)
    assert each_b.refs["other"] == ('aws_vpc.this["b"]',)
    v1 = model.get('module.m["x"].aws_s3_bucket_versioning.v[1]')
    assert v1.refs["bucket"] == ('module.m["x"].aws_s3_bucket.b[1]',)
    assert model.targets(v1, "bucket") == [model.get('module.m["x"].aws_s3_bucket.b[1]')]


def test_hcl_loader_hook_supplies_unconfigured_attributes(tmp_path):
    """``load_hcl_dir(unconfigured_attr=...)``: what the provider knows at plan time flows into every
    expression that reads it; without the hook it stays unknown."""
    (tmp_path / "main.tf").write_text(
        'data "aws_caller_identity" "me" {}\n'
        'resource "aws_s3_bucket" "b" {\n  bucket = "logs-${data.aws_caller_identity.me.account_id}"\n}\n')

    def hook(inst, conf, key, name):
        return "111122223333" if (conf.type, name) == ("aws_caller_identity", "account_id") else UNKNOWN

    assert load_hcl_dir(tmp_path).get("aws_s3_bucket.b").values["bucket"] is UNKNOWN
    model = load_hcl_dir(tmp_path, unconfigured_attr=hook)
    bucket = model.get("aws_s3_bucket.b")
    assert bucket.values["bucket"] == "logs-111122223333"
    assert bucket.refs["bucket"] == ("data.aws_caller_identity.me",)


def test_terraform_workspace_is_the_one_terraform_would_use(tmp_path, monkeypatch):
    """TF_WORKSPACE, else the workspace `terraform workspace select` wrote into .terraform/environment
    (TF_DATA_DIR moves it), else "default" -- as terraform answers it."""
    monkeypatch.delenv("TF_WORKSPACE", raising=False)
    monkeypatch.delenv("TF_DATA_DIR", raising=False)
    body = 'w = terraform.workspace\nname = "logs-${terraform.workspace}"'
    values = values_of(tmp_path / "a", body)
    assert (values["w"], values["name"]) == ("default", "logs-default")
    (tmp_path / "b" / ".terraform").mkdir(parents=True)
    (tmp_path / "b" / ".terraform" / "environment").write_text("prod")
    assert values_of(tmp_path / "b", body)["w"] == "prod"
    (tmp_path / "c" / "state").mkdir(parents=True)
    (tmp_path / "c" / "state" / "environment").write_text("staging\n")
    monkeypatch.setenv("TF_DATA_DIR", "state")
    assert values_of(tmp_path / "c", body)["w"] == "staging"
    monkeypatch.setenv("TF_WORKSPACE", "nhc")
    assert values_of(tmp_path / "d", body)["w"] == "nhc"
