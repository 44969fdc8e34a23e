"""Hold the Terraform under modules/ and terraform/ against the real AWS provider schema.

``terraform validate`` itself runs on every root and module in tests/test_terraform_validate.py
(the offline AWS provider); this static check needs no terraform and also rejects what validate only
warns about.  Every ``resource`` and ``data`` block is checked against the
hashicorp/aws 6.19.0 schema in ``../shared/aws-provider-schema/`` (third-party
data, read in place, never copied): the type exists, every argument and nested
block exists, required arguments are set, nesting respects min/max items,
computed-only and deprecated attributes are not set, and literal values have
the attribute's type.  A second pass checks what ``terraform validate`` would
catch between files: ``var.``/``local.``/``module.``/resource references name
something declared, and module calls pass exactly known inputs (every required
one) and read only outputs that exist.
"""
from __future__ import annotations

import json
import os
import re
from functools import lru_cache
from pathlib import Path

import hcl2
import pytest

REPO = Path(__file__).resolve().parents[1]
TF_ROOTS = (REPO / "modules", REPO / "terraform")
SCHEMA_RELPATH = Path("aws-provider-schema") / "aws-6.19.0.trimmed.json"
PROVIDER = "registry.terraform.io/hashicorp/aws"

# Meta-arguments Terraform itself handles, valid in every resource / data block.
META_ARGUMENTS = {"count", "for_each", "depends_on", "provider", "lifecycle"}
RESOURCE_ONLY_META = {"provisioner", "connection"}
LIFECYCLE_KEYS = {"create_before_destroy", "prevent_destroy", "ignore_changes",
                  "replace_triggered_by", "precondition", "postcondition"}
DYNAMIC_KEYS = {"for_each", "iterator", "labels", "content"}


def shared_dir() -> Path:
    """``shared/`` beside the checkout (CI copies it there); AUDITGATE_SHARED overrides."""
    env = os.environ.get("AUDITGATE_SHARED")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "shared"


def tf_files() -> list[Path]:
    return sorted(p for root in TF_ROOTS if root.is_dir() for p in root.rglob("*.tf")
                  if ".terraform" not in p.parts)


def tf_dirs() -> list[Path]:
    return sorted({p.parent for p in tf_files()})


def rel(path: Path) -> str:
    try:
        return path.resolve().relative_to(REPO).as_posix()
    except ValueError:
        return path.as_posix()


@lru_cache(maxsize=None)
def parse(path: Path) -> dict:
    with path.open() as handle:
        return hcl2.load(handle)


@lru_cache(maxsize=1)
def provider_schema() -> dict:
    path = shared_dir() / SCHEMA_RELPATH
    if not path.is_file():
        pytest.skip(f"AWS provider schema not found at {path} (set AUDITGATE_SHARED to the shared/ folder)")
    return _with_full_schema(json.loads(path.read_text())["provider_schemas"][PROVIDER], path)


def _with_full_schema(schema: dict, trimmed: Path) -> dict:
    """The trimmed schema plus the types only the full one has (``aws-6.19.0.json.gz`` beside it; the
    trimmed file's types are equal to the full file's)."""
    full = trimmed.with_name("aws-6.19.0.json.gz")
    if full.is_file():
        import gzip
        whole = json.loads(gzip.decompress(full.read_bytes()))["provider_schemas"]["registry.terraform.io/hashicorp/aws"]
        for table in ("resource_schemas", "data_source_schemas"):
            for name, body in whole.get(table, {}).items():
                schema.setdefault(table, {}).setdefault(name, body)
    return schema


# --- HCL helpers ----------------------------------------------------------------

def unquote(label: str) -> str:
    return label[1:-1] if len(label) >= 2 and label[0] == label[-1] == '"' else label


def is_block_list(value) -> bool:
    """python-hcl2 8.x renders a nested block as a list of dicts marked ``__is_block__``."""
    return (isinstance(value, list) and bool(value)
            and all(isinstance(v, dict) and v.get("__is_block__") for v in value))


def labelled(doc: dict, kind: str):
    """Yield (type, name, body) of ``resource``/``data`` blocks (or (name, body) pairs for one label)."""
    for entry in doc.get(kind, []):
        for first, inner in entry.items():
            if kind in ("resource", "data"):
                for second, body in inner.items():
                    if not second.startswith("__"):
                        yield unquote(first), unquote(second), body
            elif not first.startswith("__"):
                yield unquote(first), inner


def is_literal_string(value) -> bool:
    """A quoted string with no interpolation (python-hcl2 keeps the quotes)."""
    return isinstance(value, str) and value.startswith('"') and value.endswith('"') and "${" not in value


def is_expression(value) -> bool:
    return isinstance(value, str) and "${" in value


def literal_type_error(value, attr_type) -> str | None:
    """Why a literal ``value`` cannot have ``attr_type`` (None when fine or not a literal)."""
    if is_expression(value):
        return None
    kind = attr_type[0] if isinstance(attr_type, list) else attr_type
    if kind == "bool" and not isinstance(value, bool):
        return f"expects a bool, got {value!r}"
    if kind == "number" and (isinstance(value, bool) or not isinstance(value, (int, float))):
        return f"expects a number, got {value!r}"
    if kind in ("list", "set") and not isinstance(value, list):
        return f"expects a {kind}, got {value!r}"
    if kind == "map" and not isinstance(value, dict):
        return f"expects a map, got {value!r}"
    if kind == "string" and isinstance(value, (list, dict)):
        return f"expects a string, got {value!r}"
    return None


# --- the schema checker ----------------------------------------------------------

def check_body(body: dict, schema: dict, where: str, meta: set[str] = frozenset()) -> list[str]:
    """Errors of one block body against its schema ``block`` (attributes + block_types)."""
    errors: list[str] = []
    attributes = schema.get("attributes", {})
    block_types = schema.get("block_types", {})
    static_counts: dict[str, int] = {}
    dynamic_names: set[str] = set()

    for key, value in body.items():
        if key.startswith("__"):  # python-hcl2 markers: __is_block__, __comments__
            continue
        if key in meta:
            if key == "lifecycle":
                if not is_block_list(value):
                    errors.append(f"{where}: lifecycle must be a block")
                    continue
                for block in value:
                    for inner in block:
                        if not inner.startswith("__") and inner not in LIFECYCLE_KEYS:
                            errors.append(f"{where}: unknown lifecycle argument {inner!r}")
            elif key in ("provisioner", "connection"):
                continue
            elif key == "depends_on" and not isinstance(value, list):
                errors.append(f"{where}: depends_on must be a list")
            elif is_block_list(value):
                errors.append(f"{where}: meta-argument {key!r} written as a block")
            continue
        if key == "dynamic":
            for entry in value if isinstance(value, list) else [value]:
                for raw_name, dyn in entry.items():
                    if raw_name.startswith("__"):
                        continue
                    name = unquote(raw_name)
                    if name not in block_types:
                        errors.append(f"{where}: dynamic block {name!r} is not a block of this type")
                        continue
                    dynamic_names.add(name)
                    for dyn_key in dyn:
                        if not dyn_key.startswith("__") and dyn_key not in DYNAMIC_KEYS:
                            errors.append(f"{where}.dynamic.{name}: unknown argument {dyn_key!r}")
                    if "for_each" not in dyn:
                        errors.append(f"{where}.dynamic.{name}: for_each is required")
                    content = dyn.get("content")
                    if not is_block_list(content) or len(content) != 1:
                        errors.append(f"{where}.dynamic.{name}: needs exactly one content block")
                        continue
                    errors.extend(check_body(content[0], block_types[name]["block"],
                                             f"{where}.dynamic.{name}.content"))
            continue
        if key in attributes:
            attr = attributes[key]
            if is_block_list(value):
                errors.append(f"{where}: {key!r} is an attribute but is written as a block")
                continue
            if attr.get("computed") and not attr.get("optional") and not attr.get("required"):
                errors.append(f"{where}: {key!r} is computed-only and cannot be set")
            if attr.get("deprecated"):
                errors.append(f"{where}: {key!r} is deprecated in the provider")
            if "type" in attr:
                why = literal_type_error(value, attr["type"])
                if why:
                    errors.append(f"{where}: {key!r} {why}")
        elif key in block_types:
            if not is_block_list(value):
                errors.append(f"{where}: {key!r} is a nested block but is written as an attribute")
                continue
            static_counts[key] = len(value)
            for index, block in enumerate(value):
                errors.extend(check_body(block, block_types[key]["block"], f"{where}.{key}[{index}]"))
        else:
            errors.append(f"{where}: unknown argument or block {key!r}")

    for name, attr in attributes.items():
        if attr.get("required") and name not in body:
            errors.append(f"{where}: required argument {name!r} is missing")
    for name, block_type in block_types.items():
        count = static_counts.get(name, 0)
        minimum = block_type.get("min_items", 0) or 0
        maximum = block_type.get("max_items")
        if block_type.get("nesting_mode") in ("single", "group"):
            maximum = 1
        if count < minimum and name not in dynamic_names:
            errors.append(f"{where}: block {name!r} needs at least {minimum}, has {count}")
        if maximum and count > maximum:
            errors.append(f"{where}: block {name!r} allows at most {maximum}, has {count}")
    return errors


def check_document(doc: dict, schema: dict, source: str) -> list[str]:
    """Errors of every resource and data block of one parsed file."""
    errors: list[str] = []
    for kind, table, meta in (("resource", "resource_schemas", META_ARGUMENTS | RESOURCE_ONLY_META),
                              ("data", "data_source_schemas", META_ARGUMENTS)):
        for rtype, name, body in labelled(doc, kind):
            address = f"{'data.' if kind == 'data' else ''}{rtype}.{name}"
            if not rtype.startswith("aws_"):
                continue  # another provider: not what this schema describes
            if rtype not in schema.get(table, {}):
                errors.append(f"{source}: {address}: {kind} type {rtype!r} is not in the provider schema")
                continue
            errors.extend(f"{source}: {e}" for e in
                          check_body(body, schema[table][rtype]["block"], address, meta))
    return errors


# --- tests: provider schema --------------------------------------------------------

FILES = tf_files()


def test_terraform_files_exist():
    assert FILES, "no .tf files under modules/ or terraform/"


@pytest.mark.parametrize("path", FILES, ids=rel)
def test_blocks_match_provider_schema(path: Path):
    schema = provider_schema()
    errors = check_document(parse(path), schema, rel(path))
    assert not errors, "\n".join(errors)


NEGATIVE_SNIPPET = '''
resource "aws_cloudtrail" "bad" {
  name                  = "t"
  is_multi_region_trail = "yes"
  not_an_argument       = true
  sns_topic_arn         = "arn:aws:sns:us-east-1:111122223333:t"
  event_selector {
    read_write_type = "All"
    data_resource {
      values = ["arn:aws:s3"]
    }
  }
}

resource "aws_s3_bucket_versioning" "bad" {
  bucket = "b"
  versioning_configuration = {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_ownership_controls" "bad" {
  bucket = "b"
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
  rule {
    object_ownership = "ObjectWriter"
  }
}

resource "aws_not_a_resource_type" "bad" {
  bucket = "b"
}

data "aws_iam_policy_document" "bad" {
  statement {
    dynamic "principal" {
      for_each = ["x"]
      content {
        type = "AWS"
      }
    }
  }
}
'''


def test_checker_flags_bad_blocks():
    """The checker can fail: each mistake in the snippet is reported."""
    errors = check_document(hcl2.loads(NEGATIVE_SNIPPET), provider_schema(), "snippet")
    text = "\n".join(errors)
    expected = [
        "aws_cloudtrail.bad: unknown argument or block 'not_an_argument'",
        "aws_cloudtrail.bad: required argument 's3_bucket_name' is missing",
        "aws_cloudtrail.bad: 'sns_topic_arn' is computed-only",
        "aws_cloudtrail.bad: 'is_multi_region_trail' expects a bool",
        "aws_cloudtrail.bad.event_selector[0].data_resource[0]: required argument 'type' is missing",
        "aws_s3_bucket_versioning.bad: 'versioning_configuration' is a nested block but is written as an attribute",
        "aws_s3_bucket_versioning.bad: block 'versioning_configuration' needs at least 1, has 0",
        "aws_s3_bucket_ownership_controls.bad: block 'rule' allows at most 1, has 2",
        "resource type 'aws_not_a_resource_type' is not in the provider schema",
        "data.aws_iam_policy_document.bad.statement[0]: dynamic block 'principal' is not a block",
    ]
    for message in expected:
        assert message in text, f"checker missed: {message}\n--- got ---\n{text}"


def test_checker_accepts_good_block():
    snippet = '''
resource "aws_s3_bucket_versioning" "good" {
  count  = var.enabled ? 1 : 0
  bucket = aws_s3_bucket.this.id
  versioning_configuration {
    status = "Enabled"
  }
  lifecycle {
    prevent_destroy = true
  }
  depends_on = [aws_s3_bucket.this]
}
'''
    assert check_document(hcl2.loads(snippet), provider_schema(), "snippet") == []


# --- tests: references between files and modules ------------------------------------

IDENT = r"[A-Za-z_][A-Za-z0-9_-]*"
REF_PATTERNS = {
    "var": re.compile(rf"(?<![\w.])var\.({IDENT})"),
    "local": re.compile(rf"(?<![\w.])local\.({IDENT})"),
    "module": re.compile(rf"(?<![\w.])module\.({IDENT})(?:\.({IDENT}))?"),
    "data": re.compile(rf"(?<![\w.])data\.({IDENT})\.({IDENT})"),
    "resource": re.compile(rf"(?<![\w.])(aws_[a-z0-9_]+)\.({IDENT})"),
}


def expressions(value):
    """Every string holding an expression or template, anywhere in a parsed value."""
    if isinstance(value, str):
        if "${" in value:
            yield value
    elif isinstance(value, list):
        for item in value:
            yield from expressions(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            if not key.startswith("__"):
                yield from expressions(key)
                yield from expressions(item)


class ModuleDir:
    """What one Terraform module directory declares."""

    def __init__(self, path: Path):
        self.path = path
        self.docs = {f: parse(f) for f in sorted(path.glob("*.tf"))}
        self.variables: dict[str, dict] = {}
        self.outputs: dict[str, dict] = {}
        self.locals: set[str] = set()
        self.resources: set[tuple[str, str]] = set()
        self.data: set[tuple[str, str]] = set()
        self.calls: dict[str, dict] = {}
        for doc in self.docs.values():
            self.variables.update(dict(labelled(doc, "variable")))
            self.outputs.update(dict(labelled(doc, "output")))
            self.calls.update(dict(labelled(doc, "module")))
            self.resources.update((t, n) for t, n, _ in labelled(doc, "resource"))
            self.data.update((t, n) for t, n, _ in labelled(doc, "data"))
            for block in doc.get("locals", []):
                self.locals.update(k for k in block if not k.startswith("__"))

    def call_target(self, name: str) -> Path | None:
        source = unquote(str(self.calls[name].get("source", "")))
        if not source.startswith("."):
            return None
        return (self.path / source).resolve()


@lru_cache(maxsize=None)
def module_dir(path: Path) -> ModuleDir:
    return ModuleDir(path)


def reference_errors(mod: ModuleDir) -> list[str]:
    errors: list[str] = []
    for file, doc in mod.docs.items():
        where = rel(file)
        for text in expressions(doc):
            for name in REF_PATTERNS["var"].findall(text):
                if name not in mod.variables:
                    errors.append(f"{where}: var.{name} is not declared")
            for name in REF_PATTERNS["local"].findall(text):
                if name not in mod.locals:
                    errors.append(f"{where}: local.{name} is not declared")
            for name, output in REF_PATTERNS["module"].findall(text):
                if name not in mod.calls:
                    errors.append(f"{where}: module.{name} is not declared")
                    continue
                target = mod.call_target(name)
                if target is not None and output and output not in module_dir(target).outputs:
                    errors.append(f"{where}: module.{name}.{output}: {rel(target)} has no output {output!r}")
            for rtype, name in REF_PATTERNS["data"].findall(text):
                if (rtype, name) not in mod.data:
                    errors.append(f"{where}: data.{rtype}.{name} is not declared")
            for match in REF_PATTERNS["resource"].finditer(text):
                if text[max(0, match.start() - 5):match.start()] == "data.":
                    continue
                rtype, name = match.groups()
                if (rtype, name) not in mod.resources:
                    errors.append(f"{where}: {rtype}.{name} is not declared")
    for name, call in mod.calls.items():
        target = mod.call_target(name)
        if target is None:
            continue
        if not target.is_dir():
            errors.append(f"{rel(mod.path)}: module {name!r}: source {target} does not exist")
            continue
        callee = module_dir(target)
        given = {k for k in call if not k.startswith("__") and k not in (
            "source", "version", "providers", "count", "for_each", "depends_on")}
        for arg in sorted(given - set(callee.variables)):
            errors.append(f"{rel(mod.path)}: module {name!r} passes {arg!r}, not a variable of {rel(target)}")
        for var, body in callee.variables.items():
            if "default" not in body and var not in given:
                errors.append(f"{rel(mod.path)}: module {name!r} does not pass required variable {var!r}")
    return errors


DIRS = tf_dirs()


@pytest.mark.parametrize("path", DIRS, ids=rel)
def test_references_resolve(path: Path):
    errors = reference_errors(module_dir(path))
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("path", DIRS, ids=rel)
def test_variables_and_outputs_are_documented(path: Path):
    mod = module_dir(path)
    errors = []
    for name, body in mod.variables.items():
        if "type" not in body:
            errors.append(f"variable {name!r} has no type")
        if not is_literal_string(body.get("description")) or len(unquote(body["description"])) < 5:
            errors.append(f"variable {name!r} has no description")
    for name, body in mod.outputs.items():
        if not is_literal_string(body.get("description")):
            errors.append(f"output {name!r} has no description")
    assert not errors, f"{rel(path)}:\n" + "\n".join(errors)


def test_reference_checker_flags_dangling_references(tmp_path: Path):
    """The reference checker can fail too."""
    (tmp_path / "child").mkdir()
    (tmp_path / "child" / "variables.tf").write_text(
        'variable "needed" {\n  type = string\n  description = "x"\n}\n')
    (tmp_path / "child" / "outputs.tf").write_text('output "out" {\n  value = var.needed\n}\n')
    (tmp_path / "main.tf").write_text('''
module "c" {
  source = "./child"
  extra  = var.missing
}
resource "aws_s3_bucket" "b" {
  bucket = "${local.nope}-${module.c.absent}-${aws_kms_key.gone.arn}-${data.aws_region.x.region}"
}
''')
    mod = ModuleDir(tmp_path)
    text = "\n".join(reference_errors(mod))
    for message in ("var.missing is not declared", "local.nope is not declared",
                    "has no output 'absent'", "aws_kms_key.gone is not declared",
                    "data.aws_region.x is not declared", "passes 'extra', not a variable",
                    "does not pass required variable 'needed'"):
        assert message in text, f"reference checker missed: {message}\n--- got ---\n{text}"
