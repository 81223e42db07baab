"""Shared pieces of the CloudFormation -> model mapping."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from cachelint.loaders.cloudformation.evaluate import Template
from cachelint.loaders.cloudformation.template import CfnDict, CfnList
from cachelint.model import Location, Source, SourceKind

_ANNOTATION = re.compile(r"cachelint\s*:\s*(hot|strongly-consistent|store)\b", re.IGNORECASE)
_TAGS = {("cachelint:consistency", "strong"): "strongly-consistent",
         ("cachelint:hot", "true"): "hot"}


@dataclass
class CfnResource:
    """One resource of a template, with its Properties evaluated (lines kept)."""

    logical_id: str
    type: str
    props: CfnDict
    raw: CfnDict
    path: str
    template: Template
    comments: list = field(default_factory=list)  # (line, text) inside the resource
    line: int = 1  # the logical id's line
    end_line: int = 1
    assumes: str = ""  # the condition it was read under (Source.assumes), "" for none

    def get(self, key: str, default: Any = None) -> Any:
        value = self.props.get(key)
        return default if value is None else value


def lines_of(container: Any, key: Any, fallback: Location) -> Location:
    if isinstance(container, (CfnDict, CfnList)):
        start, end = container.lines(key)
        return Location(fallback.path, start, end)
    return fallback


class CfnSourceBuilder:
    def __init__(self, res: CfnResource, address: str | None = None,
                 container: Any = None):
        self.res = res
        self.address = address or res.logical_id
        if container is None:
            self.location = Location(res.path, res.line, res.end_line)
        else:
            self.location = Location(res.path, getattr(container, "line", res.line),
                                     getattr(container, "end_line", res.end_line))
        self.fields: dict[str, Location] = {}
        self.names: dict[str, str] = {}

    def mark(self, field_name: str, container: Any, key: Any) -> None:
        if isinstance(key, str):
            self.names.setdefault(field_name, key)
        if isinstance(container, (CfnDict, CfnList)) and (
                (isinstance(container, CfnDict) and key in container.key_lines)
                or (isinstance(container, CfnList) and isinstance(key, int))):
            self.fields[field_name] = lines_of(container, key, self.location)
        else:
            self.fields.setdefault(field_name, self.location)

    def build(self) -> Source:
        return Source(self.address, self.res.type, self.location, dict(self.fields),
                      annotations(self.res), self.res.path, dict(self.names),
                      SourceKind.CLOUDFORMATION, assumes=self.res.assumes)


def annotations(res: CfnResource) -> frozenset[str]:
    found = {m.group(1).lower() for _, text in res.comments for m in _ANNOTATION.finditer(text)}
    tags = res.props.get("Tags")
    pairs: list[tuple[Any, Any]] = []
    if isinstance(tags, list):
        pairs = [(t.get("Key"), t.get("Value")) for t in tags if isinstance(t, dict)]
    elif isinstance(tags, dict):
        pairs = list(tags.items())
    for key, value in pairs:
        mark = _TAGS.get((str(key), str(value).lower()))
        if mark:
            found.add(mark)
    meta = res.raw.get("Metadata")
    declared = meta.get("cachelint") if isinstance(meta, dict) else None
    if isinstance(declared, dict):
        for name in ("hot", "strongly-consistent", "store"):
            if declared.get(name) is True:
                found.add(name)
    return frozenset(found)


def logical_refs(raw: Any, depth: int = 0) -> set[str]:
    """Logical ids a raw (unevaluated) value refers to through Ref, GetAtt or ${} in Sub."""
    found: set[str] = set()
    if depth > 64:
        return found
    if isinstance(raw, dict):
        for key, value in raw.items():
            if key == "Ref" and isinstance(value, str):
                found.add(value)
            elif key == "Fn::GetAtt":
                target = value.split(".", 1)[0] if isinstance(value, str) else (
                    value[0] if isinstance(value, list) and value else None)
                if isinstance(target, str):
                    found.add(target)
            elif key == "Fn::Sub":
                text = value[0] if isinstance(value, list) and value else value
                if isinstance(text, str):
                    found.update(m.split(".", 1)[0].strip()
                                 for m in re.findall(r"\$\{([^}!][^}]*)\}", text))
                if isinstance(value, list) and len(value) == 2:
                    found |= logical_refs(value[1], depth + 1)
            else:
                found |= logical_refs(value, depth + 1)
    elif isinstance(raw, list):
        for item in raw:
            found |= logical_refs(item, depth + 1)
    return found


def of_type(resources: list[CfnResource], *types: str) -> list[CfnResource]:
    return [r for r in resources if r.type in types]
