"""Shared pieces of the Terraform -> model mapping; one module per layer does the rest."""

from __future__ import annotations

import re
from collections.abc import Iterable

from cachelint.loaders.terraform.module import EvalBody, SourceSpan, TfResource
from cachelint.model import Location, Source, SourceKind

_ANNOTATION = re.compile(r"cachelint\s*:\s*([a-z][a-z-]*)", re.IGNORECASE)
# Inline marks that describe the resource (ignore directives are handled elsewhere).
ANNOTATIONS = {"strongly-consistent", "hot", "store"}
_TAG_ANNOTATIONS = {("cachelint:consistency", "strong"): "strongly-consistent",
                    ("cachelint:hot", "true"): "hot"}


def location(span: SourceSpan) -> Location:
    return Location(span.path, span.line, span.end_line)


class SourceBuilder:
    """Collects where each model field was written while a mapper reads a resource."""

    def __init__(self, res: TfResource):
        self.res = res
        self.fields: dict[str, Location] = {}
        self.names: dict[str, str] = {}

    def mark(self, field: str, body: EvalBody, attr: str) -> None:
        self.names.setdefault(field, attr)
        if attr in body.origins:
            self.fields[field] = location(body.origins[attr])
        elif field not in self.fields:
            self.fields[field] = location(body.span)

    def build(self) -> Source:
        return Source(self.res.address, self.res.type, location(self.res.body.span),
                      dict(self.fields), annotations(self.res), self.res.root,
                      dict(self.names), SourceKind.TERRAFORM, assumes=self.res.assumes)


def annotations(res: TfResource) -> frozenset[str]:
    found = set()
    for comment in res.comments:
        for m in _ANNOTATION.finditer(comment.text):
            if m.group(1).lower() in ANNOTATIONS:
                found.add(m.group(1).lower())
    tags = res.body.get("tags")
    if isinstance(tags, dict):
        for (key, value), mark in _TAG_ANNOTATIONS.items():
            if str(tags.get(key, "")).lower() == value:
                found.add(mark)
    return frozenset(found)


def by_type(resources: Iterable[TfResource], *types: str) -> list[TfResource]:
    """The resources of ``types`` that the configuration declares. A ``data`` block of the same
    type only looks up an existing resource: what it leaves out is unknown, not AWS's default,
    so it is never checked as a declaration (mappers read lookups by address when they need
    one, e.g. a managed cache policy)."""
    return [r for r in resources if r.type in types and r.mode == "managed"]

