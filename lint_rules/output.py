"""Writing ``--output FILE``: whole or not at all.

The report is written to a temporary file beside FILE and renamed over it (atomic on POSIX and
Windows), so a reader never sees half a report, and two runs at once writing the same FILE (pre-commit
runs a hook's batches of files in parallel) leave one whole report, never the two interleaved.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

from .errors import InputError


def write_report(path: str, text: str | Iterable[str]) -> None:
    """Write ``text`` (or its pieces, in order) to ``path`` atomically."""
    import tempfile  # noqa: PLC0415 - only when a report file is written (start-up time)

    target = Path(path)
    try:
        if target.is_dir():
            raise IsADirectoryError(21, "Is a directory")
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".auditgate-tmp",
                                   dir=str(target.parent) if str(target.parent) else ".")
    except OSError as exc:
        raise InputError(f"cannot write report ({exc.strerror or exc})", path) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            if isinstance(text, str):
                fh.write(text)
            else:
                fh.writelines(text)
        try:
            os.chmod(tmp, 0o666 & ~_umask())
        except OSError:
            pass
        os.replace(tmp, target)
    except BaseException as exc:  # the pieces are rendered as they are written: no half file left behind
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise InputError(f"cannot write report ({exc.strerror or exc})", path) from None
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
