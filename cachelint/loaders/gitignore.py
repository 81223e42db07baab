"""``.gitignore`` patterns, as git reads them (gitignore(5)): comments, ``!`` negation, a
trailing ``/`` for folders only, patterns with a ``/`` anchored to their file's folder, ``*``,
``?``, ``[...]`` and ``**``; the last matching pattern wins, deeper files after shallower."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Pattern:
    regex: re.Pattern
    negate: bool
    dir_only: bool
    base: str  # the folder of the .gitignore, absolute


def _translate(glob: str) -> str:
    """A gitignore glob (without leading/trailing slashes handled by the caller) as a regex
    over a '/'-separated relative path."""
    out, i, n = [], 0, len(glob)
    while i < n:
        c = glob[i]
        if c == "*":
            if glob[i:i + 2] == "**":
                before = i == 0 or glob[i - 1] == "/"
                after = i + 2 == n or glob[i + 2] == "/"
                if before and after:
                    if i + 2 == n:
                        out.append(".*")  # "a/**": everything inside
                        i += 2
                        continue
                    out.append("(?:.*/)?")  # "**/x" or "a/**/b": zero or more folders
                    i += 3
                    continue
            out.append("[^/]*")
            while i < n and glob[i] == "*":
                i += 1
            continue
        if c == "?":
            out.append("[^/]")
        elif c == "[":
            end = glob.find("]", i + 2 if glob[i + 1:i + 2] in ("!", "]") else i + 1)
            if end < 0:
                out.append(re.escape(c))
            else:
                body = glob[i + 1:end]
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body.replace(chr(92), chr(92) * 2)}]")
                i = end + 1
                continue
        elif c == "\\" and i + 1 < n:
            i += 1
            out.append(re.escape(glob[i]))
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


def parse(text: str, base: str) -> list[Pattern]:
    patterns = []
    for raw in text.splitlines():
        line = raw.rstrip("\n\r")
        if not line.strip() or line.startswith("#"):
            continue
        if not line.endswith("\\ "):
            line = line.rstrip(" ")
        negate = line.startswith("!")
        if negate or line.startswith(("\\!", "\\#")):
            line = line[1:]
        dir_only = line.endswith("/")
        line = line.rstrip("/")
        if not line:
            continue
        anchored = "/" in line
        line = line.lstrip("/")
        body = _translate(line)
        regex = re.compile(("" if anchored else "(?:.*/)?") + body + "$", re.S)
        patterns.append(Pattern(regex, negate, dir_only, base))
    return patterns


def read(folder: str) -> list[Pattern]:
    """The patterns of ``folder/.gitignore`` (and of ``.git/info/exclude`` at a repository
    root); none if there is no such file or it cannot be read."""
    out: list[Pattern] = []
    for name in (os.path.join(".git", "info", "exclude"), ".gitignore"):
        path = os.path.join(folder, name)
        try:
            with open(path, encoding="utf-8", errors="replace") as fh:
                out += parse(fh.read(), folder)
        except OSError:
            continue
    return out


def ignored(patterns: list[Pattern], path: str, is_dir: bool) -> bool:
    """Whether the last pattern (of those whose folder holds ``path``) that matches it
    ignores it."""
    verdict = False
    for p in patterns:
        if p.dir_only and not is_dir:
            continue
        # `path` and every base are absolute and normalised (the walk's): slicing is enough.
        prefix = p.base.rstrip(os.sep) + os.sep
        if not path.startswith(prefix):
            continue
        rel = path[len(prefix):]
        if os.sep != "/":
            rel = rel.replace(os.sep, "/")
        if p.regex.match(rel):
            verdict = not p.negate
    return verdict
