"""A lexical pass over a ``.tf`` file, independent of python-hcl2's grammar.

It does two things:

* **Heredoc closing markers.**  Terraform closes a heredoc at the first line that is the marker,
  leading *and trailing* spaces aside (``POLICY␠␠``); python-hcl2's grammar does not allow the
  trailing spaces, so such a heredoc either fails to parse or, worse, runs on to a later clean
  marker and swallows the blocks in between.  :func:`scan` returns the text with those closing lines
  trimmed (lines keep their numbers), which python-hcl2 then reads as terraform does.
* **A cross-check.**  It lists the top-level blocks (``resource``, ``data``, ``module``...) by line,
  so that the loader can check the parser returned every one of them (:func:`missing_blocks`): a
  block the parser did not return is an input error, never a resource silently dropped.

The lexer knows comments (``#``, ``//``, ``/* */``), quoted strings with their ``${...}`` /
``%{...}`` sequences, heredocs and brackets; everything else is skipped character by character.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_HEREDOC_OPEN = re.compile(r"<<(-?)([A-Za-z][\w.-]*)\r?\n")
_IDENT = re.compile(r"[A-Za-z_][\w-]*")
_WS = re.compile(r"[ \t\r]+")
_INTERESTING = re.compile(r'[\n"#/<{}\[\]()]')
_OPEN = "{[("
_CLOSE = "}])"
# the top-level block types whose loss the loader must notice
CHECKED = ("resource", "data", "module")


class LexError(Exception):
    """The lexer could not follow the file (the parser will say what is wrong, or the check is skipped)."""


@dataclass
class TopBlock:
    type: str
    labels: list[str]
    line: int

    def describe(self) -> str:
        return " ".join([self.type] + [f'"{label}"' for label in self.labels])


@dataclass
class Scan:
    text: str  # the text to parse (heredoc closing lines trimmed)
    blocks: list[TopBlock] = field(default_factory=list)
    trimmed_lines: list[int] = field(default_factory=list)  # lines whose heredoc marker was trimmed
    error: str | None = None  # why the lexer gave up (blocks is then incomplete)


class _Lexer:
    def __init__(self, text: str):
        self.t = text
        self.n = len(text)
        self.i = 0
        self.line = 1
        self.trim: list[tuple[int, int, int]] = []  # (start, end, line) of trailing spaces to drop

    # --- pieces -----------------------------------------------------------------------------
    def skip_line_comment(self) -> None:
        j = self.t.find("\n", self.i)
        self.i = self.n if j < 0 else j

    def skip_block_comment(self) -> None:
        j = self.t.find("*/", self.i + 2)
        if j < 0:
            raise LexError(f"line {self.line}: unterminated comment")
        self.line += self.t.count("\n", self.i, j)
        self.i = j + 2

    def skip_string(self) -> str | None:
        """At an opening quote; move past the closing one.  Returns the literal text of a string
        without template sequences (a block label), else None."""
        t, n = self.t, self.n
        i = self.i + 1
        start = i
        plain = True
        while i < n:
            c = t[i]
            if c == "\\":
                i += 2
                continue
            if c == '"':
                self.i = i + 1
                return t[start:i] if plain else None
            if c == "\n":
                raise LexError(f"line {self.line}: unterminated string")
            if t.startswith(("$${", "%%{"), i):
                i += 3
                plain = False
                continue
            if t.startswith(("${", "%{"), i):
                self.i = i + 2
                self.skip_template_sequence()
                i = self.i
                plain = False
                continue
            i += 1
        raise LexError(f"line {self.line}: unterminated string")

    def skip_template_sequence(self) -> None:
        """Just after ``${`` / ``%{``: move past the matching ``}`` (expressions may nest)."""
        depth = 1
        while self.i < self.n:
            c = self.t[self.i]
            if c == '"':
                self.skip_string()
                continue
            if c == "\n":
                self.line += 1
            elif c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
                if depth == 0:
                    self.i += 1
                    return
            elif c == "<" and _HEREDOC_OPEN.match(self.t, self.i):
                self.skip_heredoc()
                continue
            self.i += 1
        raise LexError(f"line {self.line}: unterminated template sequence")

    def skip_heredoc(self) -> None:
        """At ``<<MARKER\\n``: move past the closing marker line (spaces around the marker allowed)."""
        m = _HEREDOC_OPEN.match(self.t, self.i)
        marker = m.group(2)
        opened = self.line
        pos = m.end()
        self.line += 1
        while pos <= self.n:
            end = self.t.find("\n", pos)
            line_end = self.n if end < 0 else end
            content = self.t[pos:line_end]
            body = content[:-1] if content.endswith("\r") else content
            if body.strip(" \t") == marker:
                stripped = body.rstrip(" \t")
                if len(stripped) != len(body):
                    self.trim.append((pos + len(stripped), pos + len(body), self.line))
                self.i = line_end
                return
            if end < 0:
                break
            pos = end + 1
            self.line += 1
        raise LexError(f"line {opened}: heredoc <<{marker} is never closed")

    # --- the token loop -------------------------------------------------------------------------
    def top_blocks(self) -> list[TopBlock]:
        t, n = self.t, self.n
        blocks: list[TopBlock] = []
        depth = 0
        statement_start = True  # at depth 0: nothing but blanks/comments since the last newline
        while self.i < n:
            c = t[self.i]
            if c == "\n":
                self.line += 1
                self.i += 1
                if depth == 0:
                    statement_start = True
                continue
            if c in " \t\r":
                self.i = _WS.match(t, self.i).end()
                continue
            if c == "#" or t.startswith("//", self.i):
                self.skip_line_comment()
                continue
            if t.startswith("/*", self.i):
                self.skip_block_comment()
                continue
            if depth == 0 and statement_start and _IDENT.match(t, self.i):
                statement_start = False
                header = self.block_header()
                if header is not None:
                    blocks.append(header)
                    depth += 1
                continue
            statement_start = False
            if c == '"':
                self.skip_string()
            elif c == "<" and _HEREDOC_OPEN.match(t, self.i):
                self.skip_heredoc()
            elif c in _OPEN:
                depth += 1
                self.i += 1
            elif c in _CLOSE:
                depth = max(depth - 1, 0)
                self.i += 1
            else:  # nothing that matters before the next newline, quote, comment, heredoc or bracket
                m = _INTERESTING.search(t, self.i + 1)
                self.i = m.start() if m else n
        return blocks

    def block_header(self) -> TopBlock | None:
        """At an identifier at the start of a top-level statement: a block header ``type "label"... {``
        (consumed through the ``{``), or None (the identifier alone is consumed)."""
        t = self.t
        m = _IDENT.match(t, self.i)
        kind, line = m.group(0), self.line
        self.i = m.end()
        labels: list[str] = []
        while True:
            ws = _WS.match(t, self.i)
            if ws:
                self.i = ws.end()
            if self.i >= self.n:
                return None
            c = t[self.i]
            if c == "{":
                self.i += 1
                return TopBlock(kind, labels, line)
            if c == '"':
                label = self.skip_string()
                labels.append(label if label is not None else "?")
                continue
            ident = _IDENT.match(t, self.i)
            if ident:
                labels.append(ident.group(0))
                self.i = ident.end()
                continue
            return None


def scan(text: str) -> Scan:
    """Lex ``text``: its top-level blocks and the text to give the parser (see the module doc)."""
    lexer = _Lexer(text)
    try:
        blocks = lexer.top_blocks()
    except LexError as exc:
        return Scan(text, [], [], str(exc))
    if lexer.trim:
        pieces, pos = [], 0
        for start, end, _ in lexer.trim:
            pieces.append(text[pos:start])
            pos = end
        pieces.append(text[pos:])
        text = "".join(pieces)
    if text and not text.endswith("\n"):
        text += "\n"  # python-hcl2 needs a newline after a heredoc's closing marker
    return Scan(text, blocks, [line for _, _, line in lexer.trim])


def missing_blocks(scanned: list[TopBlock], parsed: list[tuple[str, int]]) -> list[TopBlock]:
    """The ``resource``/``data``/``module`` blocks the lexer found that the parser did not return
    (``parsed``: (type, line) of each top-level block the parser returned)."""
    remaining: dict[tuple[str, int], int] = {}
    for key in parsed:
        remaining[key] = remaining.get(key, 0) + 1
    lost: list[TopBlock] = []
    for block in scanned:
        if block.type not in CHECKED:
            continue
        key = (block.type, block.line)
        if remaining.get(key):
            remaining[key] -= 1
        else:
            lost.append(block)
    return lost


def extra_blocks(scanned: list[TopBlock], parsed: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Blocks the parser returned that the lexer did not see (the reverse check)."""
    seen: dict[tuple[str, int], int] = {}
    for block in scanned:
        if block.type in CHECKED:
            key = (block.type, block.line)
            seen[key] = seen.get(key, 0) + 1
    extra = []
    for key in parsed:
        if key[0] not in CHECKED:
            continue
        if seen.get(key):
            seen[key] -= 1
        else:
            extra.append(key)
    return extra
