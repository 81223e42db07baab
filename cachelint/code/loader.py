"""Read the application code a scan's discovery found: the files of a supported language,
parsed through the scan's parse cache and process pool (the Terraform loader's), one line of
error for a file that cannot be read, never a stop."""

from __future__ import annotations

import functools
import os
import re

from cachelint.code.model import CodeFile
from cachelint.loaders import pool
from cachelint.loaders.discovery import Walk
from cachelint.errors import FileError
from cachelint.files import read_text
from cachelint.loaders.terraform.parsecache import ParseCache
from cachelint.loaders.terraform.prefilter import size



@functools.lru_cache(maxsize=1)
def extract_version() -> str:
    """What is kept of a file changes with the extractor and its client tables: their text is
    part of the cache key, so an entry written by another extractor is never read."""
    import hashlib

    from cachelint.code import clients, extract, model, patterns

    digest = hashlib.sha256()
    for module in (extract, clients, model, patterns):
        with open(module.__file__, "rb") as fh:
            digest.update(fh.read())
    return "code/" + digest.hexdigest()[:16]

# Third-party code vendored into the tree, and tests (a test's client is not production's).
_SKIPPED = re.compile(r"(^|/)(vendor|third_party|site-packages|dist|build|target|__tests__|"
                      r"tests?|spec|testdata|mocks?)(/|$)|(^|/)(test_[^/]*\.py|[^/]*_test\.(py|go)"
                      r"|[^/]*\.(test|spec)\.[jt]sx?|[^/]*Tests?\.java)$")


def source_files(found: Walk, roots: list[str] = ()) -> list[str]:
    """The files of a supported language among those discovery kept; vendored code, build
    output and tests are left out, judged by the path below the scanned folder (``roots``)."""
    from cachelint.code.extract import language_of

    bases = sorted((os.path.abspath(r) for r in roots if os.path.isdir(r)), key=len, reverse=True)
    out = []
    for f in found.files:
        if language_of(f) is None:
            continue
        full = os.path.abspath(f)
        base = next((b for b in bases if full.startswith(b.rstrip(os.sep) + os.sep)), None)
        rel = os.path.relpath(full, base) if base else os.path.basename(f)
        if not _SKIPPED.search(rel.replace(os.sep, "/")):
            out.append(f)
    return out


# Every client the extractor knows is imported by a name holding one of these words: a file
# without any cannot construct one, and is not parsed (as the Terraform prefilter skips files).
MARKERS = ("redis", "valkey", "glide", "memcache", "memjs", "pylibmc", "dax", "dynamo", "boto3",
           "aws-sdk")


class Skipped(Exception):
    """A file of a supported language that is not application source (minified)."""


def is_minified(text: str) -> bool:
    """Bundled or minified JavaScript (a built asset, not the source)."""
    head = text[:65536]
    return any(len(line) > 2000 for line in head.split("\n", 64)[:64])


def parse_code(path: str, display: str, cache: ParseCache | None) -> CodeFile:
    from cachelint.code.extract import extract, language_of, parser_versions

    text = read_text(path)
    language = language_of(path)
    lower = text.lower()
    if not any(word in lower for word in MARKERS):
        return CodeFile(path=display, language=language)
    if is_minified(text):
        raise Skipped("minified")
    key = cache.key(f"{extract_version()}:{language}:{parser_versions()}",
                    text.encode("utf-8")) if cache is not None else ""
    if cache is not None:
        cached = cache.get(key, display, CodeFile)
        if cached is not None:
            return cached
    parsed = extract(text, display, language)
    if cache is not None:
        cache.put(key, parsed)
    return parsed


def code_worker(job: tuple[str, str, str | None]) -> tuple[str, object]:
    """Parse one file in a worker process: what is kept of it, or the error."""
    path, display, cache_dir = job
    try:
        return path, parse_code(path, display, _cache(cache_dir) if cache_dir else None)
    except Skipped as exc:
        return path, str(exc)
    except (ValueError, OSError) as exc:
        message = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return path, FileError(display, message)
    except RecursionError:
        return path, FileError(display, "nesting too deep to parse")


@functools.lru_cache(maxsize=4)
def _cache(cache_dir: str) -> ParseCache:
    return ParseCache(cache_dir)


def load_code(files: list[str], display, cache_dir: str | None = None,
              jobs: int | None = None) -> tuple[list[CodeFile], list[FileError], list[str]]:
    """Every file of ``files`` parsed (in the pool when it pays), in the order given; with the
    errors, and the files skipped as not source (minified)."""
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    work = [(path, display(path), cache_dir) for path in files]
    outcomes: dict[str, object] = {}
    if pool.worth_a_pool(workers, len(files), sum(size(p) for p in files)):
        try:
            outcomes = dict(pool.parse_all(code_worker, work, workers))
        except pool.PoolUnavailable:
            outcomes = {}
    parsed: list[CodeFile] = []
    errors: list[FileError] = []
    skipped: list[str] = []
    for job in work:
        outcome = outcomes.get(job[0]) or code_worker(job)[1]
        if isinstance(outcome, str):
            skipped.append(job[1])
        else:
            (errors if isinstance(outcome, FileError) else parsed).append(outcome)
    return parsed, errors, skipped
