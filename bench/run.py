"""The benchmark, in one command: auditgate vs json.load vs checkov on the same large plans.

    python bench/run.py                                  # 1k, 5k, 20k, 50k; writes bench/RESULTS.md
    python bench/run.py --sizes 1000 5000 --runs 3       # a quicker look
    python bench/run.py --checkov-timeout 600            # give checkov longer (the cap is recorded)

For every size it generates (``bench/genplan.py``) the account baseline repeated for N/123
accounts as a plan in the real ``terraform show -json`` format and as the Terraform root of that
plan, plus an IAM-heavy plan (many roles and policies), then times, each in its own process:

- ``auditgate check PLAN`` (every rule, the text report), ``auditgate check DIR`` (the HCL root);
- ``json.load`` of the plan (the floor: reading the file at all);
- ``checkov -f PLAN --framework terraform_plan`` in its own virtual environment (the one the
  checkov adapter installs, ``~/.cache/auditgate/checkov-3.3.30``; ``--checkov`` names another),
  killed after ``--checkov-timeout`` seconds -- a run that hits the cap is recorded as such;

plus ``auditgate --version`` and the shipped roots (``terraform/nvs`` and ``terraform/nhc``) with a
cold HCL cache and unchanged.  Wall time and CPU time are medians of ``--runs`` runs (checkov:
``--checkov-runs``); peak memory is the child's maximum resident set size.  The targets of issue
10 are checked and ``bench/RESULTS.md`` is written with the machine, the date and the load average
(this machine is shared: the load says how much of it the run had).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GENPLAN = ROOT / "bench" / "genplan.py"

DEFAULT_CHECKOV = Path.home() / ".cache" / "auditgate" / "checkov-3.3.30" / "bin" / "checkov"
JSON_LOAD = ("import json, sys, time\n"
             "t = time.perf_counter(); json.load(open(sys.argv[1], 'rb')); print(time.perf_counter() - t)")


@dataclass
class Run:
    wall: float
    cpu: float
    rss_mb: float
    code: int
    timed_out: bool = False
    inner: float | None = None  # what the process measured itself (json.load)


@dataclass
class Timing:
    label: str
    runs: list[Run] = field(default_factory=list)
    cap: float | None = None

    @property
    def timed_out(self) -> bool:
        return any(r.timed_out for r in self.runs)

    def median(self, attr: str) -> float:
        values = [getattr(r, attr) for r in self.runs if not r.timed_out and getattr(r, attr) is not None]
        return statistics.median(values) if values else float("nan")

    @property
    def wall(self) -> float:
        return self.median("wall")

    @property
    def rss(self) -> float:
        return max((r.rss_mb for r in self.runs), default=float("nan"))

    def shown(self, attr: str = "wall") -> str:
        if self.timed_out and not any(not r.timed_out for r in self.runs):
            return f"> {self.cap:.0f} (cap)"
        return f"{self.median(attr):.2f}"


def run_measured(argv: list[str], timeout: float | None = None, env: dict | None = None) -> Run:
    """Run ``argv`` to completion (killed with its process group after ``timeout`` s): its wall time,
    CPU time and peak resident memory (``os.wait4``), and the number it printed last."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.DEVNULL, env=env, start_new_session=True)
        timed_out = False
        deadline = None if timeout is None else start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if deadline is not None and time.perf_counter() > deadline:
                timed_out = True
                try:
                    os.killpg(proc.pid, 9)
                except ProcessLookupError:
                    pass
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.005)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read()
    return Run(wall=wall, cpu=usage.ru_utime + usage.ru_stime, rss_mb=usage.ru_maxrss / 1024,
               code=proc.returncode, timed_out=timed_out, inner=_inner(text))


def _inner(out: bytes) -> float | None:
    try:
        return float(out.decode().strip().splitlines()[-1])
    except (ValueError, IndexError, UnicodeDecodeError):
        return None


def timed(label: str, argv: list[str], runs: int, timeout: float | None = None, env: dict | None = None,
          ok_codes: tuple[int, ...] = (0, 1), before=None) -> Timing:
    t = Timing(label, cap=timeout)
    for _ in range(runs):
        if before is not None:
            before()
        r = run_measured(argv, timeout, env)
        if not r.timed_out and r.code not in ok_codes:
            raise SystemExit(f"{label}: {' '.join(argv)} exited {r.code}")
        t.runs.append(r)
        print(f"  {label:<44} {r.wall:8.2f} s wall {r.cpu:8.2f} s cpu {r.rss_mb:8.0f} MB"
              f"{'  TIMED OUT' if r.timed_out else ''}", flush=True)
        if r.timed_out:
            break  # one capped run says enough
    return t


COUNT = ("import json, sys\n"
         "print(len(json.load(open(sys.argv[1], 'rb'))['resource_changes']))")


def generate(kind: str, n: int, out: Path) -> int:
    """Write ``bench/genplan.py KIND N`` to ``out`` (a directory for ``hcl``); the plan's resource count."""
    if kind == "hcl":
        subprocess.run([sys.executable, str(GENPLAN), "hcl", str(n), str(out)], check=True, stdout=subprocess.DEVNULL)
        return 0
    with open(out, "wb") as f:
        subprocess.run([sys.executable, str(GENPLAN), kind, str(n)], check=True, stdout=f)
    counted = subprocess.run([sys.executable, "-c", COUNT, str(out)], check=True, capture_output=True, text=True)
    return int(counted.stdout.strip())


def auditgate_argv() -> list[str]:
    exe = shutil.which("auditgate", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "lint_rules.cli"]


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(next(l for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")).split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    return (f"{platform.node()}: {os.cpu_count()} cores ({cpu}){mem}, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}")


def load() -> str:
    try:
        return " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


def compile_bytecode() -> None:
    """Byte-compile the package first, as installing a wheel does: an editable install (or
    PYTHONDONTWRITEBYTECODE, set on some machines) would otherwise compile every module on every
    run and time the compiler rather than auditgate."""
    import compileall
    import lint_rules

    compileall.compile_dir(str(Path(lint_rules.__file__).parent), quiet=1)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000, 50000])
    ap.add_argument("--runs", type=int, default=5, help="runs of auditgate and json.load per input (median)")
    ap.add_argument("--checkov", default=str(DEFAULT_CHECKOV), help="the checkov program (its own venv)")
    ap.add_argument("--checkov-runs", type=int, default=1)
    ap.add_argument("--checkov-timeout", type=float, default=300.0, help="seconds before a checkov run is killed")
    ap.add_argument("--hcl-timeout", type=float, default=300.0)
    ap.add_argument("--no-checkov", action="store_true")
    ap.add_argument("--out", default=str(ROOT / "bench" / "RESULTS.md"))
    ap.add_argument("--work", default=None, help="where the generated plans go (default: a temporary directory)")
    args = ap.parse_args(argv)

    started = dt.datetime.now(dt.timezone.utc)
    load_before = load()
    ag = auditgate_argv()
    checkov = None if args.no_checkov else args.checkov
    if checkov and not Path(checkov).exists() and not shutil.which(checkov):
        print(f"checkov not found at {checkov}: run tests/checkov (it installs the venv) or pass --checkov",
              file=sys.stderr)
        checkov = None
    cache_dir = tempfile.mkdtemp(prefix="auditgate-bench-cache-")
    env = dict(os.environ, XDG_CACHE_HOME=cache_dir)
    checkov_env = dict(os.environ, BC_SKIP_MAPPING="TRUE", CHECKOV_PARALLELIZATION_TYPE="none",
                       LOG_LEVEL="WARNING")
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="auditgate-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    compile_bytecode()
    try:
        print("== cold start and the shipped roots")
        version = timed("auditgate --version", ag + ["--version"], args.runs, env=env, ok_codes=(0,))
        roots = [str(ROOT / "terraform" / "nvs"), str(ROOT / "terraform" / "nhc")]
        hcl_cold = timed("baseline HCL, cache cold", ag + ["check", "--no-cache"] + roots, args.runs, env=env)
        # warm the cache once, then time unchanged runs
        run_measured(ag + ["check"] + roots, env=env)
        hcl_warm = timed("baseline HCL, unchanged (cache)", ag + ["check"] + roots, args.runs, env=env)
        for n in args.sizes:
            print(f"== {n} resources")
            # generated in child processes: this one stays small, and so does what its children
            # inherit when forked (the peak RSS a child reports counts the pages it forked with)
            plan, roles, hcl = work / f"baseline-{n}.json", work / f"roles-{n}.json", work / f"hcl-{n}"
            resources, role_resources = generate("baseline", n, plan), generate("roles", n, roles)
            generate("hcl", n, hcl)
            row = {"n": n, "resources": resources, "mb": plan.stat().st_size / 2**20,
                   "role_resources": role_resources}
            row["json"] = timed("json.load (baseline plan)", [sys.executable, "-c", JSON_LOAD, str(plan)],
                                args.runs)
            row["plan"] = timed("auditgate check (baseline plan)", ag + ["check", str(plan)], args.runs, env=env)
            row["roles_json"] = timed("json.load (roles plan)", [sys.executable, "-c", JSON_LOAD, str(roles)],
                                      args.runs)
            row["roles"] = timed("auditgate check (roles plan)", ag + ["check", str(roles)], args.runs, env=env)
            row["hcl"] = timed("auditgate check --no-cache (baseline HCL)", ag + ["check", "--no-cache", str(hcl)],
                               max(1, min(args.runs, 3)), timeout=args.hcl_timeout, env=env)
            if checkov:
                row["checkov"] = timed("checkov terraform_plan (baseline plan)",
                                       [checkov, "-f", str(plan), "--framework", "terraform_plan", "--quiet",
                                        "--compact", "-o", "json"],
                                       args.checkov_runs, timeout=args.checkov_timeout, env=checkov_env)
            rows.append(row)
    finally:
        shutil.rmtree(cache_dir, ignore_errors=True)
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    report = render(rows, version, hcl_cold, hcl_warm, started, load_before, load(), args, checkov)
    Path(args.out).write_text(report)
    print(f"\nwritten: {args.out}")
    return 0


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.1f}×" if b and b == b and a == a else "–"


def render(rows, version, hcl_cold, hcl_warm, started, load_before, load_after, args, checkov) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Produced by `python bench/run.py {' '.join(sys.argv[1:])}`".rstrip() + f" on {started:%Y-%m-%d %H:%M} UTC.",
        "",
        f"- Machine: {machine()}",
        f"- Load average (1/5/15 min) before: {load_before}; after: {load_after}. The machine is shared: "
        "with a load above its core count every wall time below is inflated; CPU time is less so.",
        f"- Medians of {args.runs} runs for auditgate and json.load (HCL at the sizes: up to 3), "
        f"{args.checkov_runs} for checkov, each run in its own process; peak memory is the process's "
        "maximum resident set size.",
        f"- checkov: `{checkov or 'not run'}` (`--framework terraform_plan`), killed after "
        f"{args.checkov_timeout:.0f} s: a capped run reads `> {args.checkov_timeout:.0f} (cap)`.",
        "- Plans: `bench/genplan.py` (the account baseline for N/123 accounts in the real plan format; "
        "the roles plan: 6 roles with inline, customer-managed and AWS-managed policies per team).",
        "",
        "## Plans: the account baseline repeated",
        "",
        "| resources | plan MB | json.load s | auditgate s (wall) | auditgate s (CPU) | auditgate peak MB "
        "| auditgate / json.load | checkov s | checkov peak MB | checkov / auditgate |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        ck = r.get("checkov")
        lines.append(
            f"| {r['resources']:,} | {r['mb']:.0f} | {r['json'].median('inner'):.2f} | {r['plan'].shown()} | "
            f"{r['plan'].shown('cpu')} | {r['plan'].rss:.0f} | {_ratio(r['plan'].wall, r['json'].median('inner'))} | "
            f"{ck.shown() if ck else 'not run'} | {f'{ck.rss:.0f}' if ck else '–'} | "
            f"{('> ' + _ratio(ck.cap, r['plan'].wall)) if ck and ck.timed_out else _ratio(ck.wall, r['plan'].wall) if ck else '–'} |")
    lines += ["", "## Plans: many roles and policies", "",
              "| resources | json.load s | auditgate s (wall) | auditgate s (CPU) | auditgate peak MB | auditgate / json.load |",
              "|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['role_resources']:,} | {r['roles_json'].median('inner'):.2f} | {r['roles'].shown()} | "
                     f"{r['roles'].shown('cpu')} | {r['roles'].rss:.0f} | "
                     f"{_ratio(r['roles'].wall, r['roles_json'].median('inner'))} |")
    lines += ["", "## HCL input (the Terraform root of the baseline plan, cache off)", "",
              "| resources | auditgate s (wall) | auditgate s (CPU) | peak MB |", "|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['resources']:,} | {r['hcl'].shown()} | {r['hcl'].shown('cpu')} | {r['hcl'].rss:.0f} |")
    lines += ["", "## Targets (issue 10)", "", "| target | measured | verdict |", "|---|---|---|"]
    by = {r["n"]: r for r in rows}

    def verdict(value: float, limit: float, unit: str = "s") -> str:
        if value != value:
            return "not measured"
        return "met" if value <= limit else f"missed by {value - limit:.2f} {unit} ({value / limit:.1f}× the target)"

    if 5000 in by:
        r = by[5000]
        lines.append(f"| 5,000 resources ≤ 1.0 s wall | {r['plan'].wall:.2f} s | {verdict(r['plan'].wall, 1.0)} |")
        lines.append(f"| 5,000 resources ≤ 150 MB peak | {r['plan'].rss:.0f} MB | {verdict(r['plan'].rss, 150, 'MB')} |")
        if r.get("roles"):
            lines.append(f"| roles plan: 5,000 resources ≤ 1.0 s wall | {r['roles'].wall:.2f} s | "
                         f"{verdict(r['roles'].wall, 1.0)} |")
            lines.append(f"| roles plan: 5,000 resources ≤ 150 MB peak | {r['roles'].rss:.0f} MB | "
                         f"{verdict(r['roles'].rss, 150, 'MB')} |")
        ck = r.get("checkov")
        if ck:
            speedup = (ck.cap if ck.timed_out else ck.wall) / r["plan"].wall
            lines.append(f"| ≥ 60× faster than checkov on the same file | {'> ' if ck.timed_out else ''}{speedup:.0f}× "
                         f"| {'met' if speedup >= 60 else f'missed: {speedup:.0f}× of 60×'} |")
        if 20000 in by:
            ratio = by[20000]["plan"].wall / r["plan"].wall
            lines.append(f"| 20,000 ≤ 4.6× the 5,000 time | {ratio:.2f}× | "
                         f"{'met' if ratio <= 4.6 else f'missed by {ratio - 4.6:.2f}×'} |")
    if 50000 in by:
        r = by[50000]
        lines.append(f"| 50,000 resources ≤ 10 s | {r['plan'].wall:.2f} s | {verdict(r['plan'].wall, 10.0)} |")
        if r.get("roles"):
            lines.append(f"| roles plan: 50,000 resources ≤ 10 s | {r['roles'].wall:.2f} s | "
                         f"{verdict(r['roles'].wall, 10.0)} |")
    for r in rows:
        ratio = r["plan"].wall / r["json"].median("inner")
        lines.append(f"| lint ≤ 8× json.load ({r['resources']:,} resources) | {ratio:.1f}× | "
                     f"{'met' if ratio <= 8 else f'missed: {ratio:.1f}× of 8×'} |")
    for r in rows:  # the same targets hold for the plan of many roles and policies
        if r.get("roles") and r.get("roles_json"):
            ratio = r["roles"].wall / r["roles_json"].median("inner")
            lines.append(f"| roles plan: lint ≤ 8× json.load ({r['role_resources']:,} resources) | {ratio:.1f}× | "
                         f"{'met' if ratio <= 8 else f'missed: {ratio:.1f}× of 8×'} |")
    lines.append(f"| `auditgate --version` ≤ 0.25 s | {version.wall:.2f} s | {verdict(version.wall, 0.25)} |")
    lines.append(f"| baseline HCL (both roots) ≤ 1.5 s cold | {hcl_cold.wall:.2f} s | {verdict(hcl_cold.wall, 1.5)} |")
    lines.append(f"| baseline HCL ≤ 0.3 s unchanged | {hcl_warm.wall:.2f} s | {verdict(hcl_warm.wall, 0.3)} |")
    lines += ["", "Wall times are what the targets name; on a loaded machine compare the CPU column too "
              "(the same runs' user + system time).", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
