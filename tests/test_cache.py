"""The parse cache (lint_rules/cache.py): keyed by content, safe to delete, atomic, off on request."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from lint_rules import cache
from lint_rules.engine import evaluate
from lint_rules.loaders import load_path
from lint_rules.policy import load_policy

from .helpers import REPO, damage_entry
from .test_pytest_plugin import run_pytest

TF = '''
resource "aws_s3_bucket" "logs" {
  bucket = "acme-logs"
}

resource "aws_s3_bucket_versioning" "logs" {
  bucket = aws_s3_bucket.logs.id
  versioning_configuration {
    status = "Enabled"
  }
}
'''


def entries(where: Path) -> list[Path]:
    return sorted(where.rglob("*.pickle")) if where.exists() else []


def verdicts(path) -> list:
    report = evaluate(load_path(str(path)), load_policy())
    return sorted((f.rule_id, f.status, f.resource, f.message) for f in report.findings)


def root(tmp_path: Path, text: str = TF) -> Path:
    d = tmp_path / "root"
    d.mkdir(exist_ok=True)
    (d / "main.tf").write_text(text)
    return d


def test_miss_then_hit_gives_the_same_model(tmp_path, cache_dir):
    d = root(tmp_path)
    first = verdicts(d)
    assert cache.stats["miss"] == 1 and cache.stats["hit"] == 0
    assert len(entries(cache_dir)) == 1
    cache.reset()  # a new run: nothing in memory
    assert verdicts(d) == first
    assert cache.stats["hit"] == 1 and cache.stats["miss"] == 0


def test_a_changed_file_is_parsed_again(tmp_path, cache_dir):
    d = root(tmp_path)
    verdicts(d)
    (d / "main.tf").write_text(TF.replace('"Enabled"', '"Suspended"'))
    cache.reset()
    model = load_path(str(d))
    assert cache.stats["miss"] == 1
    versioning = model.of_type("aws_s3_bucket_versioning")[0]
    assert versioning.get("versioning_configuration.0.status") == "Suspended"
    assert len(entries(cache_dir)) == 2


def test_the_same_content_at_another_path_is_another_entry(tmp_path, cache_dir):
    """The parse records its file's path (for file:line): the path is part of the key."""
    a, b = tmp_path / "a", tmp_path / "b"
    for d in (a, b):
        d.mkdir()
        (d / "main.tf").write_text(TF)
    assert load_path(str(a)).of_type("aws_s3_bucket")[0].file.startswith(str(a))
    cache.reset()
    assert load_path(str(b)).of_type("aws_s3_bucket")[0].file.startswith(str(b))
    assert len(entries(cache_dir)) == 2


@pytest.mark.parametrize("damage", [b"", b"garbage", "truncate", "flip"])
def test_a_corrupt_entry_is_a_miss_and_is_replaced(tmp_path, cache_dir, damage):
    d = root(tmp_path)
    expected = verdicts(d)
    (entry,) = entries(cache_dir)
    raw = damage_entry(entry, damage)
    cache.reset()
    assert verdicts(d) == expected
    assert cache.stats["corrupt"] == 1 and cache.stats["hit"] == 0
    assert entry.read_bytes() == raw  # written again, whole


def test_deleting_the_cache_is_safe(tmp_path, cache_dir):
    d = root(tmp_path)
    expected = verdicts(d)
    import shutil

    shutil.rmtree(cache_dir)
    cache.reset()
    assert verdicts(d) == expected
    assert len(entries(cache_dir)) == 1


def test_an_unwritable_cache_is_no_error(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("AUDITGATE_CACHE_DIR", str(blocker / "cache"))
    cache.reset()
    try:
        assert verdicts(root(tmp_path))
    finally:
        cache.reset()


def test_no_cache_neither_reads_nor_writes(tmp_path, cache_dir):
    d = root(tmp_path)
    cache.disable()
    verdicts(d)
    assert entries(cache_dir) == []
    assert cache.stats["hit"] == cache.stats["miss"] == 0


def _cli(*args, env):
    return subprocess.run([sys.executable, "-m", "lint_rules.cli", *args], capture_output=True, text=True,
                          env=env, cwd=REPO, timeout=300)


def test_cli_no_cache_option(tmp_path):
    d = root(tmp_path)
    where = tmp_path / "cli-cache"
    env = dict(os.environ, AUDITGATE_CACHE_DIR=str(where))
    env.pop("AUDITGATE_NO_CACHE", None)
    off = _cli("check", "--no-cache", "--select", "S3L", str(d), env=env)
    assert off.returncode in (0, 1), off.stderr
    assert entries(where) == []
    on = _cli("check", "--select", "S3L", str(d), env=env)
    assert on.returncode == off.returncode, on.stderr
    assert on.stdout == off.stdout
    assert len(entries(where / "hcl-parse")) == 1  # besides the policy, model and findings (test_runcache)


def test_cache_dir_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv("AUDITGATE_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "xdg" / "auditgate"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # ignored, as the XDG spec says
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.cache_dir() == tmp_path / "home" / ".cache" / "auditgate"


def test_concurrent_writers_never_leave_a_torn_entry(cache_dir):
    """Writers race on one key while readers read: every read is a whole value or a miss."""
    values = [{"n": i, "blob": "x" * 200_000} for i in range(4)]
    bad: list = []
    stop = threading.Event()

    def write(v):
        for _ in range(30):
            cache.store("race", "k" * 64, v)

    def read():
        while not stop.is_set():
            cache._memory.clear()
            got = cache.load("race", "k" * 64)
            if got is not None and got not in values:
                bad.append(got)

    readers = [threading.Thread(target=read) for _ in range(2)]
    writers = [threading.Thread(target=write, args=(v,)) for v in values]
    for t in readers + writers:
        t.start()
    for t in writers:
        t.join()
    stop.set()
    for t in readers:
        t.join()
    assert not bad
    assert cache.stats["corrupt"] == 0
    assert not [p for p in cache_dir.rglob(".tmp-*")]  # no temporary file left behind


def test_pytest_plugin_no_cache_option(tmp_path):
    d = root(tmp_path)
    where = tmp_path / "plugin-cache"
    old = os.environ.get("AUDITGATE_CACHE_DIR")
    os.environ["AUDITGATE_CACHE_DIR"] = str(where)
    try:
        code, out = run_pytest(tmp_path, "--tf-dir", str(d), "--auditgate-no-cache", "--auditgate-select", "S3L")
        assert code in (0, 1) and "passed" in out or "failed" in out, out
        assert entries(where) == []
        code, out = run_pytest(tmp_path, "--tf-dir", str(d), "--auditgate-select", "S3L")
        assert code in (0, 1), out
        assert len(entries(where / "hcl-parse")) == 1  # (and the validated policy)
    finally:
        if old is None:
            del os.environ["AUDITGATE_CACHE_DIR"]
        else:
            os.environ["AUDITGATE_CACHE_DIR"] = old


# --- the cache directory must be this user's alone: its entries are pickles, which run code when read

def test_a_new_cache_directory_is_the_owners_alone(tmp_path, cache_dir):
    verdicts(root(tmp_path))
    assert entries(cache_dir)
    assert cache_dir.stat().st_mode & 0o777 == 0o700


@pytest.mark.skipif(os.name == "nt", reason="POSIX mode bits")
def test_a_cache_directory_others_may_write_is_not_used(tmp_path, cache_dir, capsys):
    d = root(tmp_path)
    expected = verdicts(d)  # fills the cache
    assert len(entries(cache_dir)) == 1
    cache_dir.chmod(0o777)
    cache.reset()
    assert verdicts(d) == expected  # computed, not read
    assert cache.stats["hit"] == 0
    verdicts(d)
    err = capsys.readouterr().err
    assert err.count("not using the cache directory") == 1 and "others may write to it" in err
    cache.reset()
    cache_dir.chmod(0o700)
    assert verdicts(d) == expected and cache.stats["hit"] == 1


@pytest.mark.skipif(os.name == "nt", reason="POSIX owners")
def test_a_cache_directory_of_another_user_is_neither_read_nor_written(tmp_path, cache_dir, monkeypatch, capsys):
    cache_dir.mkdir(mode=0o700)
    monkeypatch.setattr(os, "geteuid", lambda: cache_dir.stat().st_uid + 1)
    verdicts(root(tmp_path))
    assert entries(cache_dir) == [] and cache.stats["hit"] == cache.stats["miss"] == 0
    assert "belongs to another user" in capsys.readouterr().err


@pytest.mark.skipif(os.name == "nt", reason="POSIX mode bits")
def test_a_planted_entry_in_a_shared_directory_is_never_unpickled(cache_dir):
    import pickle

    cache.store("probe", "k" * 64, {"planted": True})  # a valid entry, as anyone could write one
    cache.reset()
    assert cache.load("probe", "k" * 64) == {"planted": True}
    cache_dir.chmod(0o773)
    cache.reset()
    monkey = []
    original = pickle.loads
    pickle.loads = lambda data: monkey.append(data) or original(data)
    try:
        assert cache.load("probe", "k" * 64) is None
    finally:
        pickle.loads = original
        cache_dir.chmod(0o700)
    assert monkey == []
