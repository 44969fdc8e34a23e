"""Streaming log lines out of files, directories, gzip files, standard input and CloudWatch Logs exports.

Accepted input, told apart by its content (not its name):

* **NDJSON** -- one JSON object per line: an application's own output (a test run, a container
  log), or the export CloudWatch Logs writes to S3 (``2026-01-05T14:03:22.120Z {"event": ...}``,
  a timestamp before each message; the ``.gz`` files are read as they are).
* Lines that wrap a log event: ``{"timestamp": ..., "message": "<the JSON line>"}``, a subscription
  delivery ``{"messageType": "DATA_MESSAGE", "logEvents": [...]}``, or a one-line
  ``aws logs filter-log-events`` answer ``{"events": [...]}`` -- each wrapped message counts as a line
  of the input's line number.
* **``aws logs filter-log-events`` output** as the AWS CLI prints it (one pretty-printed JSON document,
  or several, with ``"events": [{"logStreamName", "timestamp", "message", ...}, ...]``): the events
  are streamed one at a time, each reported at the line its object starts on.

Lines that are not JSON are yielded as text (they are counted, and scanned for PHI). Memory stays
bounded: one line, or one event of an export, at a time.
"""
from __future__ import annotations

import gzip
import io
import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Iterator

from ..errors import InputError

STDIN = "-"
NOT_JSON = object()
MAX_LINE = 8 * 1024 * 1024  # longer lines are reported, not read into memory
_CHUNK = 1 << 20
_EXPORT_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}T[0-9:.]+(?:Z|[+-]\d{2}:?\d{2})? (?=[{\[])")
_DECODER = json.JSONDecoder()
_WS = " \t\r\n"


@dataclass
class Record:
    source: str  # the file (as given) or "<stdin>"
    line: int  # 1-based line number in that file
    obj: Any  # the parsed JSON value, or NOT_JSON
    text: str | None = None  # the line, for a line that is not JSON
    where: str = ""  # inside a wrapper: "logEvents[3]", "events[12]"
    too_long: bool = False


def sources(paths: list[str]) -> list[str]:
    """The files to read: ``-``, files as given, and every regular file under a directory (sorted,
    hidden files and folders skipped)."""
    out: list[str] = []
    if not paths:
        raise InputError("no log file given (FILE, DIR or - for standard input)")
    if paths.count(STDIN) > 1:
        raise InputError("standard input (-) can be given only once")
    for path in paths:
        if path == STDIN:
            out.append(path)
            continue
        p = Path(path)
        if p.is_dir():
            found = sorted(str(f) for f in p.rglob("*") if f.is_file()
                           and not any(part.startswith(".") for part in f.relative_to(p).parts))
            if not found:
                raise InputError("directory holds no log files", path)
            out.extend(found)
        elif p.is_file():
            out.append(path)
        elif p.exists():
            raise InputError("not a regular file or directory", path)
        else:
            raise InputError("no such file or directory", path)
    return out


def _open(path: str) -> tuple[BinaryIO, str]:
    if path == STDIN:
        if sys.stdin is None or (hasattr(sys.stdin, "isatty") and sys.stdin.isatty()):
            raise InputError("expected log lines on standard input, but it is a terminal "
                             "(pipe them in, or pass a FILE or DIR)", "<stdin>")
        raw: BinaryIO = sys.stdin.buffer if hasattr(sys.stdin, "buffer") else io.BytesIO(sys.stdin.read().encode())
        name = "<stdin>"
    else:
        try:
            raw = open(path, "rb")  # noqa: SIM115 - closed by read_records
        except OSError as exc:
            raise InputError(f"cannot read ({exc.strerror})", path) from None
        name = path
    head = raw.peek(2)[:2] if hasattr(raw, "peek") else b""
    if head == b"\x1f\x8b":
        raw = gzip.GzipFile(fileobj=raw)  # type: ignore[assignment]
    return raw, name


def read_records(path: str) -> Iterator[Record]:
    """Every line (or exported event) of one input, in order."""
    raw, name = _open(path)
    try:
        stream = io.BufferedReader(raw, _CHUNK) if not isinstance(raw, io.BufferedReader) else raw
        try:
            first = stream.peek(_CHUNK)[:_CHUNK]
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            raise InputError(f"cannot read ({exc})", name) from None
        if _is_document(first):
            yield from _document_records(stream, name)
        else:
            yield from _line_records(stream, name)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise InputError(f"cannot read ({exc})", name) from None
    finally:
        if path != STDIN:
            raw.close()


def _is_document(head: bytes) -> bool:
    """Pretty-printed JSON (``filter-log-events`` output): the first line is an opening brace that
    is not a complete JSON value on its own."""
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if not text.startswith(b"{"):
        return False
    first = text.split(b"\n", 1)[0].strip()
    try:
        json.loads(first)
        return False
    except ValueError:
        return True


# --- NDJSON --------------------------------------------------------------------------------------
def _line_records(stream: BinaryIO, name: str) -> Iterator[Record]:
    number = 0
    while True:
        raw = stream.readline(MAX_LINE)
        if not raw:
            return
        number += 1
        if len(raw) >= MAX_LINE and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):  # skip the rest of an over-long line
                raw = stream.readline(MAX_LINE)
            yield Record(name, number, NOT_JSON, None, too_long=True)
            continue
        text = raw.decode("utf-8", errors="replace").strip()
        if number == 1:
            text = text.lstrip("\ufeff")
        if not text:
            continue
        yield from _parse_line(text, name, number)


def _parse_line(text: str, name: str, number: int) -> Iterator[Record]:
    body = _EXPORT_PREFIX.sub("", text, count=1) if text[0].isdigit() else text
    try:
        obj = json.loads(body)
    except (ValueError, RecursionError):
        yield Record(name, number, NOT_JSON, text)
        return
    if isinstance(obj, dict):
        wrapped = _wrapped_events(obj)
        if wrapped is not None:
            for where, message in wrapped:
                yield from _message(message, name, number, where)
            return
        if "event" not in obj and isinstance(obj.get("message"), str) and obj["message"].lstrip().startswith("{"):
            yield from _message(obj["message"], name, number, "message")
            return
    yield Record(name, number, obj)


def _wrapped_events(obj: dict) -> list[tuple[str, Any]] | None:
    """The messages of a subscription delivery or a one-line filter-log-events answer."""
    for key in ("logEvents", "events"):
        events = obj.get(key)
        if isinstance(events, list) and events and all(isinstance(e, dict) and "message" in e for e in events):
            return [(f"{key}[{i}]", e["message"]) for i, e in enumerate(events)]
    return None


def _message(message: Any, name: str, number: int, where: str) -> Iterator[Record]:
    if isinstance(message, str):
        try:
            obj = json.loads(_EXPORT_PREFIX.sub("", message.strip(), count=1))
        except (ValueError, RecursionError):
            yield Record(name, number, NOT_JSON, message, where)
            return
        yield Record(name, number, obj, where=where)
    else:
        yield Record(name, number, message, where=where)


# --- filter-log-events documents --------------------------------------------------------------------
class _Buffer:
    """A sliding window over a text stream, counting the lines it has moved past."""

    def __init__(self, stream: BinaryIO, name: str):
        self.reader = io.TextIOWrapper(stream, encoding="utf-8", errors="replace")
        self.name = name
        self.text = ""
        self.pos = 0
        self.line = 1  # line number at self.pos
        self.eof = False

    def fill(self) -> bool:
        if self.eof:
            return False
        more = self.reader.read(_CHUNK)
        if not more:
            self.eof = True
            return False
        if self.pos > len(self.text) // 2:
            self.text = self.text[self.pos:]
            self.pos = 0
        self.text += more
        return True

    def skip_ws(self) -> str:
        """The next non-blank character ("" at the end), not consumed."""
        while True:
            while self.pos < len(self.text) and self.text[self.pos] in _WS:
                if self.text[self.pos] == "\n":
                    self.line += 1
                self.pos += 1
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self.fill():
                return ""

    def take(self, char: str) -> None:
        if self.skip_ws() != char:
            self.fail(f"expected {char!r}")
        self.pos += 1

    def value(self) -> Any:
        """Decode the JSON value at the current position (reading more as needed)."""
        self.skip_ws()
        while True:
            try:
                value, end = _DECODER.raw_decode(self.text, self.pos)
            except json.JSONDecodeError:
                if len(self.text) - self.pos > 64 * MAX_LINE:
                    self.fail("a JSON value larger than 512 MB")
                if self.fill():
                    continue
                self.fail("the document is truncated or not valid JSON")
            except RecursionError:
                self.fail("the document nests too deeply")
            if end == len(self.text) and not self.eof and not isinstance(value, (dict, list, str)):
                if self.fill():  # a number or literal may go on in the next chunk
                    continue
            self.line += self.text.count("\n", self.pos, end)
            self.pos = end
            return value

    def fail(self, what: str):
        raise InputError(f"CloudWatch Logs export: {what}", f"{self.name}:{self.line}")


def _document_records(stream: BinaryIO, name: str) -> Iterator[Record]:
    buf = _Buffer(stream, name)
    saw_events = False
    while buf.skip_ws():
        buf.take("{")
        if buf.skip_ws() == "}":
            buf.pos += 1
            continue
        while True:
            key = buf.value()
            buf.take(":")
            if key == "events" and buf.skip_ws() == "[":
                saw_events = True
                buf.pos += 1
                index = 0
                if buf.skip_ws() == "]":
                    buf.pos += 1
                else:
                    while True:
                        buf.skip_ws()
                        line = buf.line
                        event = buf.value()
                        where = f"events[{index}]"
                        if isinstance(event, dict) and "message" in event:
                            yield from _message(event["message"], name, line, where)
                        else:
                            yield Record(name, line, event, where=where)
                        index += 1
                        nxt = buf.skip_ws()
                        buf.pos += 1
                        if nxt == "]":
                            break
                        if nxt != ",":
                            buf.pos -= 1
                            buf.fail("expected ',' or ']' in the events list")
            else:
                buf.value()  # searchedLogStreams, nextToken, ...: not log lines
            nxt = buf.skip_ws()
            buf.pos += 1
            if nxt == "}":
                break
            if nxt != ",":
                buf.pos -= 1
                buf.fail("expected ',' or '}'")
    if not saw_events:
        raise InputError("a JSON document without an \"events\" list: neither log lines (one JSON object per "
                         "line) nor `aws logs filter-log-events` output", name)


def display_name(path: str) -> str:
    return "<stdin>" if path == STDIN else os.path.normpath(path)
