"""Writing a file so that a crash never leaves it half-written: a temporary file in the same
folder, then an atomic rename over the target."""

from __future__ import annotations

import os
import tempfile


def write_text(path: str, text: str, prefix: str = ".cachelint-") -> None:
    fd, tmp = tempfile.mkstemp(prefix=prefix, dir=os.path.dirname(os.path.abspath(path)))
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
