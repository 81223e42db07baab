"""What the prefilter reads of a file's raw text, before any parsing, to decide what to parse."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from cachelint.files import MAX_FILE_BYTES
from cachelint.loaders import registry
from cachelint.model import SourceKind

LOCAL_SOURCE = re.compile(r'source\s*=\s*"(\.{1,2}/[^"]*)"')
REMOTE_SOURCE = re.compile(r'source\s*=\s*"(?!\.{1,2}/)')
MODULE_BLOCK = re.compile(r'^\s*module\s+"|"module"\s*:', re.M)
# A file that names a type the Terraform readers read (not only an IAM type they follow).
# (A type that holds another, aws_dynamodb_table_replica, is found by the shorter one.)
_TYPES = registry.types(SourceKind.TERRAFORM, supporting=False)
RELEVANT_WORDS = tuple(sorted(t for t in _TYPES if not any(o != t and o in t for o in _TYPES)))
# One pass over the text instead of one per word (as fast as the six hand-kept prefixes were).
_RELEVANT = re.compile("|".join(re.escape(w) for w in RELEVANT_WORDS))
# Functions and tasks that run application code: read only when the scan holds some.
COMPUTE_WORDS = tuple(sorted(registry.code_types(SourceKind.TERRAFORM)))



# Data sources are deferred like resources: parsed when an expression refers to them.
_TOP_BLOCKS = re.compile(r'^\s*(variable|locals|output|module)\b'
                         r'|"(variable|locals|output|module)"\s*:', re.M)


_DECLARES = re.compile(r'^\s*(?:resource|data)\s+"([^"]+)"\s+"([^"]+)"', re.M)
_VARIABLE = re.compile(r'^\s*variable\s+"([^"]+)"', re.M)


def _variables(text: str, json_syntax: bool) -> frozenset:
    """The input variables a file declares (HCL ``variable "x"`` or JSON ``"variable"``)."""
    if not json_syntax:
        return frozenset(_VARIABLE.findall(text))
    if '"variable"' not in text:
        return frozenset()
    import json

    try:
        data = json.loads(text)
    except ValueError:
        return frozenset()
    blocks = data.get("variable") if isinstance(data, dict) else None
    if isinstance(blocks, dict):
        blocks = [blocks]
    return frozenset(name for block in blocks if isinstance(block, dict) for name in block) \
        if isinstance(blocks, list) else frozenset()


@dataclass(frozen=True)
class Facts:
    """What the prefilter reads of one file's raw text."""

    relevant: bool  # mentions a resource type cachelint checks
    # Mentions a Lambda function or ECS task definition and one of the environment variables
    # the scanned application code reads (only such a function can link code to a resource).
    compute: bool
    dax: bool
    iam: bool
    evaluation: bool  # declares a variable, local, output or module call; or a directive
    module_block: bool
    remote_source: bool
    local_sources: tuple[str, ...]
    declares: frozenset  # (type, name) of its resources and data sources
    variables: frozenset  # names of the input variables it declares
    opaque: bool  # JSON syntax or over the size limit: never deferred
    oversize: bool
    # Binary or not UTF-8 (NUL bytes, or bytes that did not decode): always loaded, so that
    # the loader reports it even in a folder that declares nothing cachelint checks.
    broken: bool = False

    @classmethod
    def of(cls, text: str | None, json_syntax: bool, size: int,
           env_names: frozenset = frozenset()) -> Facts:
        oversize = size > MAX_FILE_BYTES or text is None  # unreadable: opaque, so loaded
        text = text or ""
        return cls(
            relevant=_RELEVANT.search(text) is not None, dax="aws_dax" in text,
            compute=bool(env_names) and any(word in text for word in COMPUTE_WORDS) and any(
                name in text for name in env_names),
            iam="aws_iam" in text,
            evaluation=_TOP_BLOCKS.search(text) is not None or "cachelint" in text,
            module_block=MODULE_BLOCK.search(text) is not None,
            remote_source=REMOTE_SOURCE.search(text) is not None,
            local_sources=tuple(m.group(1) for m in LOCAL_SOURCE.finditer(text)),
            declares=frozenset(_DECLARES.findall(text)),
            variables=_variables(text, json_syntax), opaque=json_syntax or oversize,
            oversize=oversize, broken="\x00" in text or "\ufffd" in text)

    def matters(self, dax_folder: bool) -> bool:
        """Parsed up front in a kept folder (see files_of); otherwise deferred."""
        # A DAX cluster's tables are found through the IAM policies of its role.
        return self.relevant or self.evaluation or self.opaque or self.broken or (
            dax_folder and self.iam) or self.compute


def read_head(path: str) -> str | None:
    """The file's text for the prefilter; None if it cannot be read (permissions, a FIFO...),
    so that the loader reads it and reports why, instead of the prefilter skipping it."""
    try:
        with open(path, "rb") as fh:
            return fh.read(MAX_FILE_BYTES).decode("utf-8", "replace")
    except OSError:
        return None


def listdir(directory: str) -> list[str]:
    try:
        return os.listdir(directory)
    except OSError:
        return []


def size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0
