"""Reading and parsing one Terraform file: size and encoding checks, the parse cache, and the
worker that parses in a process pool."""

from __future__ import annotations

from cachelint.errors import FileError
from cachelint.files import read_text
from cachelint.loaders.terraform.hcl import HclSyntaxError, parse_hcl
from cachelint.loaders.terraform.hcl1 import parse_hcl1
from cachelint.loaders.terraform.parsecache import ParseCache
from cachelint.loaders.terraform.syntax import ConfigFile
from cachelint.loaders.terraform.tfjson import JsonSyntaxError, parse_tf_json


def is_terraform_file(name: str) -> bool:
    return name.endswith(".tf") or name.endswith(".tf.json")


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
        return path, FileError(display, message)
    except RecursionError:
        return path, FileError(display, "nesting too deep to parse")
