"""The normalized model that every rule reads.

Both loaders (``loaders.plan`` for ``terraform show -json`` documents and
``loaders.hcl`` for a directory of ``.tf`` files) produce a :class:`Model`.
Rules never see raw JSON or HCL: they ask the model for resources by type,
read attribute values, and follow references from an attribute to the
resources it points at.

Values
    Known values are plain Python (str, int, float, bool, None, list, dict).
    Nested blocks are lists of dicts, as in plan JSON.  A value that cannot be
    known before apply is the singleton :data:`UNKNOWN`.

References
    ``Resource.refs`` maps an attribute path to the absolute addresses of the
    resources the attribute's expression refers to, already followed through
    module inputs, module outputs and (in HCL) locals.  Paths are dotted, with
    block positions as numbers: ``"kms_key_id"``,
    ``"event_selector.0.data_resource.0.values"``.  A reference that names one
    instance (``aws_vpc.this["a"]``, ``X[each.key]``, ``each.value`` over
    ``for_each = X``) keeps its instance key and matches that instance only; a
    reference whose instance is not known statically is stored without the key
    (``module.kms.aws_kms_key.this``) and matches every instance.

Partially known values (HCL only)
    ``Resource.partial`` maps the path of an attribute whose value is (or holds)
    ``UNKNOWN`` to what the configuration still tells about it: a
    :class:`PartialString` for a string template with unknown pieces, the
    decoded argument of ``jsonencode(...)`` (a dict/list whose leaves may be
    ``UNKNOWN`` or :class:`PartialString`), or -- for a list attribute -- the
    list with :class:`PartialString` elements.  ``values`` keeps ``UNKNOWN``:
    a rule that does not ask for the partial form sees exactly what it saw
    before.  The plan loader never fills it (a plan carries no templates).
"""
from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator


class _Unknown:
    """A value known only after apply."""

    _instance: "_Unknown | None" = None

    def __new__(cls) -> "_Unknown":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "(known after apply)"

    def __bool__(self) -> bool:  # an unknown must never read as "set and truthy"
        return False

    def __reduce__(self):
        return (_Unknown, ())


UNKNOWN = _Unknown()


def is_unknown(value: Any) -> bool:
    return value is UNKNOWN


def _holds_unknown(value: Any) -> bool:
    if value is UNKNOWN:
        return True
    if isinstance(value, list):
        return any(_holds_unknown(v) for v in value)
    if isinstance(value, dict):
        return any(_holds_unknown(v) for v in value.values())
    return False


@dataclass(frozen=True)
class Hole:
    """An unknown piece of a :class:`PartialString`: any text, possibly empty.

    ``refs``: the resource attributes this piece is *exactly* the value of, as
    absolute address + ``.`` + attribute (``aws_s3_bucket.phi.arn``,
    ``module.m.aws_s3_bucket.b[0].bucket``); the address carries an instance key
    only when the reference names one.  Empty when the piece is computed any
    other way (a variable, local, module output, data source, function...).
    """

    refs: tuple[str, ...] = ()
    # (HCL) what the piece is, when ``refs`` cannot say it: the attribute of a data source, as
    # absolute address + ``.`` + attribute (``data.aws_caller_identity.current.account_id``).
    # Two holes with the same non-empty refs or source stand for the same text.
    source: str = ""

    @property
    def determinate(self) -> bool:
        return bool(self.refs or self.source)

    def __str__(self) -> str:
        return "${" + (self.refs[0] if len(self.refs) == 1 else (self.source or "?")) + "}"


_GLOB_SPECIAL = "*?["


@dataclass(frozen=True)
class PartialString:
    """A string of which only some pieces are known: ``parts`` are known text
    (``str``, never empty, never two in a row) and :class:`Hole` s."""

    parts: tuple[Any, ...]

    def __post_init__(self) -> None:
        merged: list[Any] = []
        for p in self.parts:
            if isinstance(p, str):
                if not p:
                    continue
                if merged and isinstance(merged[-1], str):
                    merged[-1] += p
                    continue
            elif not isinstance(p, Hole):
                raise TypeError(f"PartialString part must be str or Hole, not {type(p).__name__}")
            merged.append(p)
        object.__setattr__(self, "parts", tuple(merged))

    @property
    def holes(self) -> tuple[Hole, ...]:
        return tuple(p for p in self.parts if isinstance(p, Hole))

    @property
    def prefix(self) -> str:
        """Known text every possible value starts with."""
        return self.parts[0] if self.parts and isinstance(self.parts[0], str) else ""

    @property
    def suffix(self) -> str:
        """Known text every possible value ends with."""
        if not self.holes:
            return ""  # a fully known string: see ``template``
        return self.parts[-1] if isinstance(self.parts[-1], str) else ""

    @property
    def determinate(self) -> bool:
        """Every hole says what it stands for: two equal determinate forms are the same string."""
        return all(h.determinate for h in self.holes)

    @property
    def template(self) -> str:
        """For messages: ``acme-${aws_s3_bucket.b.arn}/`` (``${?}`` for an unknown piece)."""
        return "".join(str(p) for p in self.parts)

    def __str__(self) -> str:
        return self.template

    def could_match(self, glob: str) -> Any:
        """Does every possible value match ``glob`` (fnmatch syntax, case-sensitive)?

        True only when every value matches, False only when no value can match,
        UNKNOWN otherwise.  A hole may be any text, so the answer rests on the
        known text alone: True needs a glob of literals and ``*`` whose literal
        pieces are found, in order, inside known text (the first one at the
        start, the last one at the end); False needs the known prefix or suffix
        to contradict the glob's literal prefix or suffix.
        """
        if not self.holes:
            return fnmatch.fnmatchcase(self.template, glob)
        # False: the literal prefix / suffix of the glob contradicts the known one
        cut = min((glob.find(c) for c in _GLOB_SPECIAL if c in glob), default=len(glob))
        g_prefix = glob[:cut]
        last = max((glob.rfind(c) for c in "*?[]" if c in glob), default=-1)
        g_suffix = glob[last + 1:] if last >= 0 else glob
        n = min(len(g_prefix), len(self.prefix))
        if g_prefix[:n] != self.prefix[:n]:
            return False
        n = min(len(g_suffix), len(self.suffix))
        if n and g_suffix[-n:] != self.suffix[-n:]:
            return False
        # True: only "*" wildcards, every literal piece found in known text, in order
        if "?" in glob or "[" in glob or "*" not in glob:
            return UNKNOWN
        pieces = glob.split("*")
        first, middle, end = pieces[0], [p for p in pieces[1:-1] if p], pieces[-1]
        if first and not self.prefix.startswith(first):
            return UNKNOWN
        if end and not self.suffix.endswith(end):
            return UNKNOWN
        # the windows of known text the middle pieces may use, in order
        windows: list[str] = []
        for i, part in enumerate(self.parts):
            if not isinstance(part, str):
                continue
            lo = len(first) if i == 0 else 0
            hi = len(part) - len(end) if i == len(self.parts) - 1 else len(part)
            windows.append(part[lo:hi])
        w, pos = 0, 0
        for piece in middle:
            while w < len(windows):
                found = windows[w].find(piece, pos)
                if found >= 0:
                    pos = found + len(piece)
                    break
                w, pos = w + 1, 0
            else:
                return UNKNOWN
        return True


# An address made of plain text and bracketed keys -- ``[0]``, ``["a"]`` (a JSON string: any
# text, escapes included) -- with the key that ends it as group 1.  For such an address the scan
# below finds exactly that key; anything else is scanned.
_KEYED_ADDRESS = re.compile(r'(?:[^\[\]"\\]|\[(?:[^\[\]"\\]*|"(?:[^"\\]|\\.)*")\])*'
                            r'(\[(?:[^\[\]"\\]*|"(?:[^"\\]|\\.)*")\])', re.S)


def _last_index_start(address: str) -> int:
    """Where the instance key that ends ``address`` starts (its ``[``), or -1.  Quoted keys
    may hold any text (``["access]logs"]``, ``["a.b"]``, ``["q\\"]"]``)."""
    if not address.endswith("]"):
        return -1
    match = _KEYED_ADDRESS.fullmatch(address)
    if match is not None:  # (the common case, without the character-by-character scan)
        return match.start(1)
    return _scanned_index_start(address)


def _scanned_index_start(address: str) -> int:
    start, depth, in_str, i = -1, 0, False, 0
    while i < len(address):
        c = address[i]
        if in_str:
            if c == "\\":
                i += 1
            elif c == '"':
                in_str = False
        elif c == '"':
            in_str = True
        elif c == "[":
            if depth == 0:
                start = i
            depth += 1
        elif c == "]":
            depth -= 1
        i += 1
    return start if depth == 0 and not in_str else -1


def strip_index(address: str) -> str:
    """``aws_s3_bucket.b["x"]`` -> ``aws_s3_bucket.b`` (keys may contain ``]`` or ``.``)."""
    start = _last_index_start(address)
    return address[:start] if start > 0 else address


@dataclass
class Resource:
    address: str  # full instance address, e.g. module.trail.aws_cloudtrail.this[0]
    mode: str  # "managed" or "data"
    type: str
    name: str
    module_path: str = ""  # "" for the root module, else e.g. module.a["x"].module.b
    index: Any = None  # count index (int) or for_each key (str), None if neither
    values: dict = field(default_factory=dict)
    refs: dict[str, tuple[str, ...]] = field(default_factory=dict)
    file: str | None = None
    line: int | None = None
    actions: tuple[str, ...] = ("create",)
    # attribute path -> partially known form of a value that is (or holds) UNKNOWN (HCL only;
    # see the module docstring).  Read it through Model.partial_value.
    partial: dict[str, Any] = field(default_factory=dict)
    # The provider configuration managing this instance, as its root-level key after following
    # module ``providers = {...}`` maps: "aws", "aws.ALIAS", or "module.NAME:aws[.ALIAS]" for a
    # provider configured inside a child module.  Read the account through Model.account_of.
    provider: str = "aws"
    # Why this instance may not exist (e.g. "count = var.enabled ? 1 : 0 is not known"); None when
    # it certainly exists.  A resource that may not exist never satisfies an existence requirement.
    maybe_absent: str | None = None

    @property
    def config_address(self) -> str:
        """The address without the instance key of the resource itself."""
        return strip_index(self.address)

    def get(self, path: str, default: Any = None) -> Any:
        """Value at a dotted path (``"versioning_configuration.0.status"``)."""
        node: Any = self.values
        if "." not in path and type(node) is dict:  # a top-level argument: most lookups
            return node.get(path, default)
        for part in path.split("."):
            if node is UNKNOWN:
                return UNKNOWN
            if isinstance(node, list):
                if not part.isdigit() or int(part) >= len(node):
                    return default
                node = node[int(part)]
            elif isinstance(node, dict):
                if part not in node:
                    return default
                node = node[part]
            else:
                return default
        return node

    def blocks(self, name: str) -> list[dict]:
        """The nested blocks called ``name`` (an empty list when absent or unknown)."""
        value = self.values.get(name)
        if isinstance(value, list):
            return [b for b in value if isinstance(b, dict)]
        if isinstance(value, dict):
            return [value]
        return []

    def malformed_blocks(self, name: str) -> bool:
        """True when ``name`` is set but is not a block (a list of objects): input of an unexpected type."""
        value = self.values.get(name)
        if value is None or value is UNKNOWN or isinstance(value, dict):
            return False
        return not (isinstance(value, list) and all(isinstance(b, dict) or b is UNKNOWN for b in value))

    def refs_at(self, path: str) -> tuple[str, ...]:
        return self.refs.get(path, ())

    def refs_under(self, prefix: str) -> tuple[str, ...]:
        """References of the attribute ``prefix`` and of everything nested in it."""
        found: list[str] = []
        dotted = prefix + "."
        for key, targets in self.refs.items():
            if key == prefix or key.startswith(dotted):
                found.extend(t for t in targets if t not in found)
        return tuple(found)

    def __hash__(self) -> int:
        return hash(self.address)


@dataclass(frozen=True)
class ProviderConfig:
    """One ``provider "aws"`` configuration: what tells which account and region it acts in.

    ``region``: None (not set), a string, or UNKNOWN.  ``account_ids``: the
    ``allowed_account_ids`` (a tuple, empty when not set) or UNKNOWN.  ``assume_role_arn``:
    None, a string or UNKNOWN.  ``profile``: the shared-credentials profile (None, a string or
    UNKNOWN): two configurations with different profiles act in different accounts unless an
    account id says otherwise.
    """

    key: str
    alias: str | None = None
    region: Any = None
    account_ids: Any = ()
    assume_role_arn: Any = None
    file: str | None = None
    line: int | None = None
    profile: Any = None


@dataclass(frozen=True)
class UnfollowedModule:
    """A module call whose contents were not read (registry or git source not downloaded,
    a local path that does not exist, ...): whatever it creates is missing from the model."""

    address: str  # module.NAME (nested: module.a.module.b)
    source: str
    reason: str


_ACCOUNT_IN_ARN = re.compile(r"^arn:[^:]*:(?:iam|sts)::(\d{12}):")


def _stated_account(p: ProviderConfig) -> str | None:
    """The account id a provider configuration names: its single allowed account id, else the
    account of its assume_role ARN; None when it names none."""
    ids = p.account_ids
    if isinstance(ids, (tuple, list)) and len(ids) == 1 and isinstance(ids[0], str) and ids[0]:
        return ids[0]
    arn = p.assume_role_arn
    if isinstance(arn, str):
        m = _ACCOUNT_IN_ARN.match(arn)
        if m:
            return m.group(1)
    return None


def _credentials(p: ProviderConfig) -> tuple:
    """What decides the account of a configuration that names no account id: configurations
    with the same credentials (same assume_role ARN and profile, or neither) act in one account;
    one whose credentials are not known is an account of its own."""
    if UNKNOWN in (p.assume_role_arn, p.profile) or p.account_ids is UNKNOWN:
        return ("unknown", p.key)
    return ("credentials", p.assume_role_arn, p.profile)


# Attributes by which one resource is commonly named in another's arguments.
IDENTITY_ATTRIBUTES = ("id", "arn", "name", "bucket", "key_id", "target_key_id")

# Resources that stand for the resource one of their arguments names: a setting of an S3 bucket kept
# in its own resource has the bucket's name as its ``id`` and ``bucket``, so ``bucket =
# aws_s3_bucket_public_access_block.this.id`` (written to order one setting after another) names
# the bucket that resource's ``bucket`` names.  type -> (argument, type of what it names);
# Model.targets follows these when it finds no resource of the asked type itself.
STANDS_FOR: dict[str, tuple[str, str]] = {
    f"aws_s3_bucket_{setting}": ("bucket", "aws_s3_bucket")
    for setting in ("accelerate_configuration", "acl", "cors_configuration", "lifecycle_configuration",
                    "logging", "notification", "object_lock_configuration", "ownership_controls", "policy",
                    "public_access_block", "replication_configuration", "request_payment_configuration",
                    "server_side_encryption_configuration", "versioning", "website_configuration")
}

# Data sources that read one existing object by an identifying argument.  When that argument refers
# to a managed resource of the same type in the configuration (``data "aws_s3_bucket" "x" { bucket =
# aws_s3_bucket.logs.id }``), a reference to the data source is a reference to that resource:
# Model.targets follows it through.
DATA_SOURCE_READS: dict[str, tuple[str, ...]] = {
    "aws_s3_bucket": ("bucket",),
    "aws_s3_bucket_policy": ("bucket",),
    "aws_kms_key": ("key_id",),
    "aws_kms_alias": ("name",),
    "aws_iam_role": ("name",),
    "aws_iam_policy": ("arn", "name"),
    "aws_iam_user": ("user_name",),
    "aws_iam_group": ("group_name",),
    "aws_cloudwatch_log_group": ("name",),
    "aws_sns_topic": ("name",),
    "aws_sqs_queue": ("name",),
    "aws_vpc": ("id",),
    "aws_cloudtrail": ("name",),
    "aws_guardduty_detector": ("id",),
    "aws_lambda_function": ("function_name",),
    "aws_ssm_document": ("name",),
}


@dataclass
class Model:
    """All resources of one configuration or plan, and how they refer to each other."""

    resources: list[Resource] = field(default_factory=list)
    source: str = ""  # file or directory it came from
    kind: str = ""  # "plan" or "hcl"
    # Notes the loader wants reported (e.g. a module it could not follow).
    diagnostics: list[str] = field(default_factory=list)
    # False for a plan without a ``configuration`` section: no expression is
    # known, so an unknown value cannot be told apart from an unset one.
    has_references: bool = True
    # Why the plan does not describe everything that will exist (terraform's
    # ``errored: true`` or ``complete: false``); None when it does.
    incomplete: str | None = None
    # Accepted exceptions declared in the code (``# auditgate:skip=ID reason: ...`` comments),
    # as lint_rules.suppressions.Suppression; filled by loaders.load_path.
    suppressions: list = field(default_factory=list)
    # Provenance for the evidence report: SHA-256 of the input (the plan's bytes, or of the
    # Terraform files read) and the terraform version that wrote the plan (plans only).
    input_sha256: str | None = None
    terraform_version: str | None = None
    # Every aws provider configuration, by key ("aws", "aws.nhc", "module.x:aws").
    providers: dict[str, ProviderConfig] = field(default_factory=dict)
    # Module calls whose contents were not read: "there is no X" is not known while any remains.
    unfollowed_modules: list[UnfollowedModule] = field(default_factory=list)
    # The directory of the root module's configuration: the HCL directory, or the source a plan
    # was read with (loaders.source); None for a plan alone.  Resource file paths start with it.
    config_dir: str | None = None
    # Texts the input marks sensitive (a plan's after_sensitive, sensitive variables and outputs,
    # schema-sensitive arguments): rules read the values, reports never print them (lint_rules.redact).
    sensitive_values: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._reindex()

    def _reindex(self) -> None:
        # Lookups rules repeat for every resource are answered from lazily built indexes.
        self._identity_index: dict[str, dict[str, list[Resource]]] = {}
        self._referrer_index: dict[tuple, dict[str, list[Resource]]] = {}
        self._reads_index: dict[str, list[Resource]] = {}
        self._by_address = {r.address: r for r in self.resources}
        self._by_config: dict[str, list[Resource]] = {}
        self._by_type: dict[str, list[Resource]] = {}
        self._account_labels: dict[str, str] | None = None
        self._accounts: list[str] | None = None
        self._by_account: dict[tuple[str, str, str], list[Resource]] | None = None
        self._memo: dict[Any, Any] = {}
        for r in self.resources:
            self._by_config.setdefault(r.config_address, []).append(r)
            self._by_type.setdefault(r.type, []).append(r)

    def add(self, resource: Resource) -> None:
        self._account_labels = None
        self._accounts = None
        self._by_account = None
        self._memo.clear()
        self._identity_index.clear()
        self._referrer_index.clear()
        self._reads_index.clear()
        self.resources.append(resource)
        self._by_address[resource.address] = resource
        self._by_config.setdefault(resource.config_address, []).append(resource)
        self._by_type.setdefault(resource.type, []).append(resource)

    # --- lookup -----------------------------------------------------------
    def __iter__(self) -> Iterator[Resource]:
        return iter(self.resources)

    def __len__(self) -> int:
        return len(self.resources)

    def get(self, address: str) -> Resource | None:
        return self._by_address.get(address)

    def of_type(self, *types: str, mode: str = "managed") -> list[Resource]:
        out: list[Resource] = []
        for t in types:
            out.extend(r for r in self._by_type.get(t, ()) if r.mode == mode)
        return out

    def data(self, *types: str) -> list[Resource]:
        return self.of_type(*types, mode="data")

    def of_type_in(self, account: str, *types: str, mode: str = "managed") -> list[Resource]:
        """:meth:`of_type` narrowed to the resources acting in ``account`` (an :meth:`account_of` label)."""
        if self._by_account is None:
            index: dict[tuple[str, str, str], list[Resource]] = {}
            for r in self.resources:
                index.setdefault((self.account_of(r), r.type, r.mode), []).append(r)
            self._by_account = index
        out: list[Resource] = []
        for t in types:
            out.extend(self._by_account.get((account, t, mode), ()))
        return out

    def memo(self, key: Any, build: Callable[[], Any]) -> Any:
        """An index derived from the model, built once by ``build()`` on first use and kept until the
        model changes.  Rules (and their helpers) that would otherwise scan every resource of a type
        for each resource they check build a dict once here and look up in it: ``key`` names the
        index (a tuple starting with the helper's name)."""
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = build()
            return value

    def instances(self, address: str, follow_reads: bool = True) -> list[Resource]:
        """Every instance named by ``address`` (with or without an instance key).

        A data source that reads a managed resource of this configuration (DATA_SOURCE_READS:
        ``data "aws_s3_bucket" "x" { bucket = aws_s3_bucket.logs.id }``) stands for that resource:
        it is returned instead, unless ``follow_reads`` is False."""
        found = self._instances(address)
        if not follow_reads or not any(r.mode == "data" for r in found):
            return found
        out: list[Resource] = []
        for r in found:
            for t in (self._read_by(r) or [r]) if r.mode == "data" else [r]:
                if t not in out:
                    out.append(t)
        return out

    def _instances(self, address: str) -> list[Resource]:
        exact = self._by_address.get(address)
        if exact is not None:
            return [exact]
        found = self._by_config.get(address)
        if found:
            return list(found)
        base = strip_index(address)
        if base != address:
            # one instance of a resource whose keys are not known (checked as a single
            # representative instance without a key): that representative may be it
            return [r for r in self._by_config.get(base, ()) if r.index is None]
        return []

    # --- following references --------------------------------------------
    def targets(self, resource: Resource, path: str, *types: str, nested: bool = False) -> list[Resource]:
        """Resources that attribute ``path`` of ``resource`` refers to, optionally of ``types``.

        Follows the expression's references; when there are none, falls back to
        matching the attribute's known value against the identity attributes
        (id, arn, name, bucket, ...) of resources of ``types``.
        """
        addresses = resource.refs_under(path) if nested else resource.refs_at(path)
        found: list[Resource] = []
        stand_ins: list[Resource] = []
        for address in addresses:
            for target in self.instances(address):
                if (not types or target.type in types) and target not in found:
                    found.append(target)
                elif target.type in STANDS_FOR and STANDS_FOR[target.type][1] in types:
                    stand_ins.append(target)
        if stand_ins and not found:
            found = self.stood_for(resource, stand_ins, types)
        if found or not types:
            return found
        value = resource.get(path)
        values = value if isinstance(value, list) else [value]
        for v in values:
            if isinstance(v, str) and v:
                for target in self.with_identity(v, *types):
                    if target not in found:
                        found.append(target)
        if len(found) > 1 and self.providers:
            # names are unique per account (and region): a name shared across accounts means the
            # resource of the referring resource's own account, when there is one
            home = self.account_of(resource)
            found = [t for t in found if self.account_of(t) == home] or found
        return found

    def stood_for(self, resource: Resource, stand_ins: list[Resource], types: tuple) -> list[Resource]:
        """The resources of ``types`` that the STANDS_FOR resources ``stand_ins`` name, followed
        through chains of them (``aws_s3_bucket_versioning`` -> ``aws_s3_bucket_policy`` -> bucket)."""
        found: list[Resource] = []
        seen = {resource.address}
        todo = list(stand_ins)
        while todo:
            sub = todo.pop(0)
            if sub.address in seen:
                continue
            seen.add(sub.address)
            for address in sub.refs_at(STANDS_FOR[sub.type][0]):
                for target in self.instances(address):
                    if target.type in types:
                        if target not in found:
                            found.append(target)
                    elif target.type in STANDS_FOR:
                        todo.append(target)
        return found

    def _read_by(self, data: Resource, seen: set | None = None) -> list[Resource]:
        """The managed resources a data source reads (see DATA_SOURCE_READS); [] when none is known."""
        if data.type not in DATA_SOURCE_READS:
            return []
        top = seen is None
        if top and data.address in self._reads_index:
            return self._reads_index[data.address]
        seen = set() if seen is None else seen
        if data.address in seen:
            return []
        seen.add(data.address)
        out: list[Resource] = []
        for arg in DATA_SOURCE_READS[data.type]:
            for address in data.refs_at(arg):
                for target in self._instances(address):
                    candidates = self._read_by(target, seen) if target.mode == "data" else [target]
                    out.extend(c for c in candidates if c.type == data.type and c not in out)
            if not out:
                value = data.values.get(arg)
                if isinstance(value, str) and value:
                    out.extend(t for t in self.with_identity(value, data.type) if t not in out)
            if out:
                break
        if top:
            self._reads_index[data.address] = out
        return out

    def with_identity(self, value: str, *types: str) -> list[Resource]:
        """Resources of ``types`` whose id/arn/name/bucket equals ``value``."""
        out: list[Resource] = []
        for rtype in types:
            index = self._identity_index.get(rtype)
            if index is None:
                index = self._identity_index[rtype] = {}
                for r in self.of_type(rtype):
                    for v in {r.values.get(attr) for attr in IDENTITY_ATTRIBUTES}:
                        if isinstance(v, str):
                            index.setdefault(v, []).append(r)
            out.extend(index.get(value, ()))
        return out

    def referrers(self, target: Resource, types: Iterable[str], path: str) -> list[Resource]:
        """Resources of ``types`` whose attribute ``path`` refers to ``target``.

        The inverse of :meth:`targets`: e.g. the ``aws_s3_bucket_versioning``
        whose ``bucket`` is this bucket.
        """
        key = (tuple(types), path, target.type)
        index = self._referrer_index.get(key)
        if index is None:
            index = self._referrer_index[key] = {}
            for r in self.of_type(*key[0]):
                for t in self.targets(r, path, target.type):
                    index.setdefault(t.address, []).append(r)
        return list(index.get(target.address, ()))

    def partial_value(self, resource: Resource, path: str) -> Any:
        """``resource.<path>`` when it is fully known; else its partially known form
        (:attr:`Resource.partial`) when the loader recorded one; else the value as it
        is (``UNKNOWN``, or a list/dict holding ``UNKNOWN``)."""
        value = resource.get(path)
        if not _holds_unknown(value):
            return value
        return resource.partial.get(path, value)

    # --- accounts -----------------------------------------------------------
    def account_of(self, resource: Resource | str) -> str:
        """A display label for the account a resource (or a provider key) acts in: the single
        allowed account id of its provider configuration, else the account id in its assume_role
        ARN, else the provider key ("aws.nhc").  Configurations that name no account but share
        credentials (an alias for another region) share the label of the account they act in."""
        key = resource.provider if isinstance(resource, Resource) else resource
        if self._account_labels is None:
            self._account_labels = self._label_accounts()
        label = self._account_labels.get(key)
        if label is None:
            # a key no configuration block declares (the implicit default provider, or an
            # inherited one): the ambient credentials, as the default provider uses them
            label = self._account_labels.get("", key)
        return label

    def _label_accounts(self) -> dict[str, str]:
        configs = dict(self.providers)
        if "aws" not in configs:
            configs = {"aws": ProviderConfig("aws"), **configs}
        groups: dict[tuple, list[ProviderConfig]] = {}
        for p in configs.values():
            groups.setdefault(_credentials(p), []).append(p)
        labels: dict[str, str] = {}
        for creds, members in groups.items():
            stated = {a for a in (_stated_account(p) for p in members) if a}
            default = next((p for p in members if p.key == "aws"), None)
            if default is not None and _stated_account(default):
                shared = _stated_account(default)  # an alias with the default's credentials
            elif len(stated) == 1:
                shared = next(iter(stated))
            else:
                shared = default.key if default is not None else None
            for p in members:
                labels[p.key] = _stated_account(p) or shared or p.key
            if creds == ("credentials", None, None):
                labels[""] = shared or "aws"  # keys no block declares use the ambient credentials too
        return labels

    def accounts(self) -> list[str]:
        """The accounts this configuration manages AWS resources in (labels of
        :meth:`account_of`), in order of first appearance; the default provider's account when it
        manages none."""
        if self._accounts is None:
            seen: dict[str, None] = {}
            for r in self.resources:
                if r.mode == "managed" and r.type.startswith("aws_"):
                    seen.setdefault(self.account_of(r), None)
            self._accounts = list(seen) or [self.account_of("aws")]
        return list(self._accounts)

    def select(self, pattern: str) -> list[Resource]:
        """Resources whose address matches a glob pattern."""
        return [r for r in self.resources if fnmatch.fnmatchcase(r.address, pattern)]
