"""On-demand benchmark: time and peak memory to load and lint large plans and HCL trees.

    python bench/bench_lint.py            # default sizes, checks the targets, exit 1 if missed
    python bench/bench_lint.py 500 20000  # plan sizes in resources

Targets (2 cores, the CI machine): a 10,000-resource plan is loaded, linted by
every rule and reported in under 5 s with under 1 GiB peak RSS, so the
linter fits a pre-commit hook.  Not part of the test suite: timings belong
here, not in tests.
"""
from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lint_rules.engine import evaluate  # noqa: E402
from lint_rules.loaders import load_path  # noqa: E402
from lint_rules.policy import load_policy  # noqa: E402
from tests.planbuilder import PlanBuilder  # noqa: E402

TARGET_SECONDS = {10_000: 5.0}
TRUST = ('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",'
         '"Principal":{"AWS":"arn:aws:iam::111122223333:root"}}]}')
READ_OWN_BUCKET = ('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject",'
                   '"Resource":"arn:aws:s3:::logs-%d/*"}]}')
TARGET_RSS_MB = 1024


def synthetic_plan(n_resources: int) -> dict:
    """A plan shaped like a real estate of log buckets, log groups, VPCs and trails, in modules."""
    p = PlanBuilder()
    per_unit = 12
    for unit in range(max(1, n_resources // per_unit)):
        m = f'module.unit["u{unit}"]'
        # refs inside the module are module-relative, as terraform writes them in configuration
        key = f"{m}.aws_kms_key.this"
        bucket = f"{m}.aws_s3_bucket.logs"
        p.resource(key, {"enable_key_rotation": True}, unknown=["arn", "id", "key_id"])
        p.resource(bucket, {"bucket": f"logs-{unit}"}, unknown=["arn", "id"])
        for sub, values in (
                ("aws_s3_bucket_versioning", {"versioning_configuration": [{"status": "Enabled"}]}),
                ("aws_s3_bucket_public_access_block", {"block_public_acls": True, "block_public_policy": True,
                                                       "ignore_public_acls": True, "restrict_public_buckets": True}),
                ("aws_s3_bucket_server_side_encryption_configuration",
                 {"rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "aws:kms"}]}]})):
            p.resource(f"{m}.{sub}.this", values, unknown=["bucket"], refs={"bucket": ["aws_s3_bucket.logs.id"]})
        p.resource(f"{m}.aws_cloudwatch_log_group.app", {"name": f"/app/django/{unit}", "retention_in_days": 365},
                   unknown=["arn", "kms_key_id"], refs={"kms_key_id": ["aws_kms_key.this.arn"]})
        p.resource(f"{m}.aws_vpc.this", {"cidr_block": "10.0.0.0/16"}, unknown=["id", "arn"])
        # a human-assumable role per unit, with an inline policy and a managed-policy attachment,
        # so the IAM rules (INT-002, ACC-*) scale with the estate too
        role = f"{m}.aws_iam_role.app"
        p.resource(role, {"name": f"app-{unit}", "assume_role_policy": TRUST}, unknown=["arn", "id", "unique_id"])
        p.resource(f"{m}.aws_iam_role_policy.app", {"name": "app", "policy": READ_OWN_BUCKET % unit},
                   unknown=["role", "id"], refs={"role": ["aws_iam_role.app.name"]})
        p.resource(f"{m}.aws_iam_role_policy_attachment.deny", {"policy_arn": "arn:aws:iam::111122223333:policy/deny"},
                   unknown=["role", "id"], refs={"role": ["aws_iam_role.app.name"]})
        # half the VPCs log to their bucket, so every bucket-following rule has work to do
        to_s3 = unit % 2 == 1
        p.resource(f"{m}.aws_flow_log.this",
                   {"traffic_type": "ALL", "log_destination_type": "s3" if to_s3 else "cloud-watch-logs"},
                   unknown=["vpc_id", "log_destination", "iam_role_arn"],
                   refs={"vpc_id": ["aws_vpc.this.id"],  # module-relative, as in configuration
                         "log_destination": ["aws_s3_bucket.logs.arn" if to_s3 else "aws_cloudwatch_log_group.app.arn"],
                         "iam_role_arn": ["aws_iam_role.app.arn"]})
    # one organization-wide trail, as an account has, covering every bucket
    p.resource("aws_cloudtrail.org", {"name": "org", "is_multi_region_trail": True,
                                      "enable_log_file_validation": True, "s3_bucket_name": "logs-0",
                                      "event_selector": [{"read_write_type": "All", "include_management_events": True,
                                                          "data_resource": [{"type": "AWS::S3::Object",
                                                                             "values": ["arn:aws:s3"]}]}]},
               unknown=["kms_key_id", "arn"], refs={"kms_key_id": ["module.unit.key_arn"]})
    p.module_call("unit", source="./modules/unit", for_each=True)
    p.output("unit", "key_arn", refs=["aws_kms_key.this.arn"])
    return p.build()


def measure(label: str, path: str) -> float:
    policy = load_policy()
    start = time.perf_counter()
    model = load_path(path)
    loaded = time.perf_counter()
    report = evaluate(model, policy)
    done = time.perf_counter()
    print(f"{label:>28}: {len(model):6d} resources  load {loaded - start:6.2f}s  rules {done - loaded:6.2f}s  "
          f"total {done - start:6.2f}s  findings {len(report.findings)}")
    return done - start


def main(argv: list[str]) -> int:
    sizes = [int(a) for a in argv] or [1_000, 10_000]
    missed = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = Path(tmp) / f"plan{n}.json"
            path.write_text(json.dumps(synthetic_plan(n)))
            seconds = measure(f"synthetic plan ({path.stat().st_size // 1024} KiB)", str(path))
            if n in TARGET_SECONDS and seconds > TARGET_SECONDS[n]:
                missed.append(f"{n} resources took {seconds:.1f}s > {TARGET_SECONDS[n]}s")
    for root in ("terraform/nvs", "terraform/nhc"):
        measure(f"HCL {root}", str(ROOT / root))
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'peak RSS':>28}: {rss_mb:.0f} MiB")
    if rss_mb > TARGET_RSS_MB:
        missed.append(f"peak RSS {rss_mb:.0f} MiB > {TARGET_RSS_MB} MiB")
    for m in missed:
        print(f"TARGET MISSED: {m}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
