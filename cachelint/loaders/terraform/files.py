"""Reading and parsing one Terraform file: size and encoding checks, the parse cache, and the
worker that parses in a process pool."""

from __future__ import annotations

import os
from dataclasses import dataclass

from cachelint.loaders.terraform.hcl import HclSyntaxError, parse_hcl
from cachelint.loaders.terraform.hcl1 import parse_hcl1
from cachelint.loaders.terraform.parsecache import ParseCache
from cachelint.loaders.terraform.syntax import ConfigFile
from cachelint.loaders.terraform.tfjson import JsonSyntaxError, parse_tf_json

MAX_FILE_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class LoadError:
    path: str
    message: str


def repository_root(path: str) -> str:
    """The git work tree holding ``path``, else the folder itself."""
    start = os.path.abspath(path if os.path.isdir(path) else os.path.dirname(path) or ".")
    probe = start
    while True:
        if os.path.exists(os.path.join(probe, ".git")):
            return probe
        parent = os.path.dirname(probe)
        if parent == probe:
            return start
        probe = parent


def internal_error(exc: Exception) -> str:
    """A bug of cachelint's met while modelling one file or module: say so, keep scanning."""
    return (f"cachelint could not model this file (internal error: {type(exc).__name__}: "
            f"{exc}); the rest of the scan went on. Please report it.")


def is_terraform_file(name: str) -> bool:
    return name.endswith(".tf") or name.endswith(".tf.json")


def read_text(path: str) -> str:
    size = os.path.getsize(path)
    if size > MAX_FILE_BYTES:
        raise ValueError(f"file is {size // 1024} KiB, over the {MAX_FILE_BYTES // 1024} KiB limit")
    with open(path, "rb") as fh:
        data = fh.read()
    if b"\x00" in data[:8192]:
        raise ValueError("binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 text (byte {exc.start})") from None


def parse_file(path: str, display: str, cache: ParseCache | None = None) -> ConfigFile:
    text = read_text(path)
    kind = "json" if path.endswith(".json") else "hcl"
    key = cache.key(kind, text.encode("utf-8")) if cache is not None else ""
    if cache is not None:
        cached = cache.get(key, display)
        if cached is not None:
            return cached
    parsed = parse_tf_json(text, display) if kind == "json" else _parse_native(text, display)
    if cache is not None:
        cache.put(key, parsed)
    return parsed


def _parse_native(text: str, display: str) -> ConfigFile:
    """HCL2; failing that, Terraform 0.11 syntax (HCL1), which is valid for its Terraform."""
    try:
        return parse_hcl(text, display)
    except HclSyntaxError:
        if display.endswith(".tf"):
            legacy = parse_hcl1(text, display)
            if legacy is not None:
                return legacy
        raise


def parse_worker(job: tuple[str, str, str | None]) -> tuple[str, object]:
    """Parse one file in a worker process: the parsed file, or the error message."""
    path, display, cache_dir = job
    try:
        return path, parse_file(path, display, ParseCache(cache_dir) if cache_dir else None)
    except (HclSyntaxError, JsonSyntaxError, ValueError, OSError) as exc:
        message = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return path, LoadError(display, message)
    except RecursionError:
        return path, LoadError(display, "nesting too deep to parse")
