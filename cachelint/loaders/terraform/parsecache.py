"""A cache of parsed files (Terraform, and what is kept of application code), keyed by content
hash (and cachelint/parser versions).

Entries are JSON that is decoded into syntax nodes through a whitelist of node types, never
pickle: an entry that is corrupt, foreign or written by another version is ignored and rebuilt,
never trusted. Entries are written atomically (temporary file, then rename), so concurrent runs
cannot see half an entry.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import tempfile
from typing import Any

from cachelint import __version__
from cachelint.code import model as code_model
from cachelint.loaders.terraform import syntax

_NODES = {cls.__name__: cls for cls in (
    syntax.Lit, syntax.Template, syntax.Name, syntax.GetAttr, syntax.Index, syntax.Splat,
    syntax.Call, syntax.BinOp, syntax.UnOp, syntax.Cond, syntax.TupleExpr, syntax.ObjectExpr,
    syntax.ForExpr, syntax.Opaque, syntax.Attribute, syntax.Block, syntax.Body, syntax.Comment,
    syntax.ConfigFile)}
# What is kept of application code: tagged apart, as names repeat (syntax.Call, model.Call).
_NODES.update({f"code.{cls.__name__}": cls for cls in code_model.NODE_TYPES})
_TAGS = {cls: tag for tag, cls in _NODES.items()}
FORMAT = "cachelint-parse/2"


@functools.lru_cache(maxsize=1)
def _parser_version() -> str:
    try:
        from importlib.metadata import version
        return version("python-hcl2")
    except Exception:  # noqa: BLE001 - any failure just makes a distinct cache key
        return "unknown"


class EntryError(ValueError):
    pass


def encode(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj):
        out = {"@": _TAGS.get(type(obj), type(obj).__name__)}
        for f in dataclasses.fields(obj):
            out[f.name] = encode(getattr(obj, f.name))
        return out
    if isinstance(obj, tuple):
        return {"@t": [encode(v) for v in obj]}
    if isinstance(obj, dict):
        return {"@d": [[k, encode(v)] for k, v in obj.items()]}
    if isinstance(obj, list):
        return [encode(v) for v in obj]
    if obj is None or isinstance(obj, (str, int, float, bool)):
        return obj
    raise TypeError(f"cannot cache a {type(obj).__name__}")


def decode(data: Any, depth: int = 0) -> Any:
    if depth > 200:
        raise EntryError("nested too deeply")
    if isinstance(data, dict):
        if "@t" in data:
            return tuple(decode(v, depth + 1) for v in _list(data["@t"]))
        if "@d" in data:
            out = {}
            for pair in _list(data["@d"]):
                if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str)):
                    raise EntryError("bad mapping")
                out[pair[0]] = decode(pair[1], depth + 1)
            return out
        cls = _NODES.get(data.get("@"))
        if cls is None:
            raise EntryError(f"unknown node {data.get('@')!r}")
        names = {f.name for f in dataclasses.fields(cls)}
        fields = {k: decode(v, depth + 1) for k, v in data.items() if k != "@"}
        if set(fields) != names:
            raise EntryError(f"bad fields for {cls.__name__}")
        try:
            return cls(**fields)
        except TypeError as exc:
            raise EntryError(str(exc)) from None
    if isinstance(data, list):
        return [decode(v, depth + 1) for v in data]
    if data is None or isinstance(data, (str, int, float, bool)):
        return data
    raise EntryError(f"unexpected {type(data).__name__}")


def _list(value: Any) -> list:
    if not isinstance(value, list):
        raise EntryError("expected a list")
    return value


def default_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "cachelint")


class ParseCache:
    """Parsed files by sha256 of (format, cachelint version, parser version, kind, content)."""

    def __init__(self, directory: str | None):
        self.directory = os.path.join(directory, "parse") if directory else None
        self._salt = f"{FORMAT}\0{__version__}\0{_parser_version()}\0".encode()
        self.hits = self.misses = 0

    def key(self, kind: str, data: bytes) -> str:
        return hashlib.sha256(self._salt + kind.encode() + b"\0" + data).hexdigest()

    def _path(self, key: str) -> str:
        return os.path.join(self.directory, key[:2], key + ".json")

    def get(self, key: str, display: str, expect: type = syntax.ConfigFile) -> Any:
        if self.directory is None:
            return None
        try:
            with open(self._path(key), encoding="utf-8") as fh:
                entry = json.load(fh)
            if not isinstance(entry, dict) or entry.get("format") != FORMAT or \
                    entry.get("key") != key:
                raise EntryError("foreign entry")
            parsed = decode(entry["file"])
            if not isinstance(parsed, expect):
                raise EntryError("not a parsed file")
        except (OSError, ValueError, KeyError, RecursionError):
            self.misses += 1
            return None  # missing, corrupt or foreign: parse again
        self.hits += 1
        return dataclasses.replace(parsed, path=display)

    def put(self, key: str, parsed: Any) -> None:
        if self.directory is None:
            return
        target = self._path(key)
        try:
            payload = {"format": FORMAT, "key": key,
                       "file": encode(dataclasses.replace(parsed, path=""))}
        except (TypeError, RecursionError):
            return
        try:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=os.path.dirname(target))
        except OSError:
            return  # a cache that cannot be written only makes the next run slower
        try:
            # json.dumps uses the C encoder; json.dump streams through the slow Python one.
            text = json.dumps(payload, separators=(",", ":"))
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(tmp, target)
        except (OSError, TypeError, ValueError, RecursionError):
            if os.path.exists(tmp):
                os.unlink(tmp)
