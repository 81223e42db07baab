"""Terraform 0.11 syntax (HCL1), read in compatibility mode.

Configurations written for Terraform 0.11 and earlier (``tags { "k" = "v" }`` without ``=``,
``"${var.x}"`` everywhere) are valid for the Terraform they were written for, yet python-hcl2
rejects some of them. Reporting such a file as "cannot parse" would be a false claim and would hide
its cache resources. A file the HCL2 parser rejects is therefore read with pyhcl (HCL1): its
structure is exactly the JSON syntax (``.tf.json``) Terraform 0.11 also accepted, whose strings
carry ``${...}`` interpolations, so it goes through the same JSON reader. pyhcl keeps no line
numbers, so each block and attribute is placed back on its line of the original text by a brace-
aware scan of that text.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace

from cachelint.loaders.terraform.syntax import Block, Body, ConfigFile
from cachelint.loaders.terraform.tfjson import JsonSyntaxError, parse_tf_json

DIALECT = "hcl1"
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_HEREDOC = re.compile(r"<<-?\s*([A-Za-z_][A-Za-z0-9_]*)\s*$")


def parse_hcl1(text: str, path: str) -> ConfigFile | None:
    """The file as Terraform 0.11 reads it, or None if it is not valid HCL1 either."""
    try:
        import hcl  # pyhcl
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    try:
        data = hcl.loads(text)
    except Exception:  # noqa: BLE001 - pyhcl raises bare ValueError/LexError/ParseError kinds
        return None
    if not isinstance(data, dict):
        return None
    try:
        parsed = parse_tf_json(json.dumps(data, indent=1), path)
    except JsonSyntaxError:
        return None
    lines = _Lines(text)
    blocks = tuple(_place_top(block, lines) for block in parsed.body.blocks)
    return ConfigFile(path=path, body=Body({}, blocks), dialect=DIALECT)


class _Lines:
    """The original text's lines with the brace depth at the start of each line (strings,
    comments and heredocs excluded)."""

    def __init__(self, text: str):
        self.text = text.splitlines()
        self.depth: list[int] = []
        self.code: list[str] = []  # each line with strings and comments blanked
        depth, heredoc = 0, None
        for line in self.text:
            self.depth.append(depth)
            if heredoc is not None:
                self.code.append("")
                if line.strip() == heredoc:
                    heredoc = None
                continue
            code = _STRING.sub('""', line)
            code = re.split(r"#|//", code, maxsplit=1)[0]
            self.code.append(code)
            depth += code.count("{") - code.count("}")
            marker = _HEREDOC.search(code)
            if marker:
                heredoc = marker.group(1)
        self.depth.append(depth)
        self.used: set[int] = set()

    def find(self, pattern: re.Pattern, start: int, end: int, depth: int,
             reuse: bool = False) -> int | None:
        """The first line index in [start, end) at ``depth`` matching ``pattern`` that no block
        was placed on (any such line with ``reuse``)."""
        for i in range(start, min(end, len(self.text))):
            if (reuse or i not in self.used) and self.depth[i] == depth \
                    and pattern.match(self.text[i]):
                return i
        return None

    def block_end(self, start: int) -> int:
        """The index of the line that closes the block opened on line ``start``."""
        outer = self.depth[start]
        for i in range(start + 1, len(self.text)):
            if self.depth[i + 1] <= outer:
                return i
        return len(self.text) - 1


def _label(value: str) -> str:
    return r'\s+"?' + re.escape(value) + r'"?'


def _place_top(block: Block, lines: _Lines) -> Block:
    header = re.compile(r"\s*" + re.escape(block.type) + "".join(_label(v) for v in block.labels)
                        + r"\s*\{")
    start = lines.find(header, 0, len(lines.text), 0)
    if start is None:
        return block
    lines.used.add(start)
    end = lines.block_end(start)
    return replace(block, body=_place_body(block.body, lines, start, end), line=start + 1,
                   end_line=end + 1)


def _place_body(body: Body, lines: _Lines, start: int, end: int) -> Body:
    depth = lines.depth[start] + 1
    attributes = {}
    for name, attr in body.attributes.items():
        pattern = re.compile(r'\s*"?' + re.escape(name) + r'"?\s*(=|\{)')
        # Attributes may share a line with a block: JSON offers an object as both.
        i = lines.find(pattern, start + 1, end, depth, reuse=True)
        attributes[name] = replace(attr, line=i + 1, end_line=_attr_end(lines, i) + 1) \
            if i is not None else replace(attr, line=start + 1, end_line=start + 1)
    blocks = []
    for block in body.blocks:
        pattern = re.compile(r'\s*"?' + re.escape(block.type) + r'"?\s*=?\s*\{')
        i = lines.find(pattern, start + 1, end, depth)
        if i is None:
            blocks.append(replace(block, line=start + 1, end_line=end + 1))
            continue
        lines.used.add(i)
        inner_end = lines.block_end(i)
        blocks.append(replace(block, body=_place_body(block.body, lines, i, inner_end),
                              line=i + 1, end_line=inner_end + 1))
    return Body(attributes, tuple(blocks))


def _attr_end(lines: _Lines, start: int) -> int:
    """A value that opens a brace ends where it closes; otherwise on its own line."""
    return lines.block_end(start) if lines.depth[start + 1] > lines.depth[start] else start
