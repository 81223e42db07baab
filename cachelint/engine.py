"""Run the catalogue over an inventory: decide which rules run, evaluate them, make findings."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field, replace
from collections.abc import Iterable
from typing import Any

from cachelint import conditions
from cachelint.catalogue import Rule
from cachelint.config import Config
from cachelint.findings import Finding
from cachelint.model import KINDS, Inventory, Resource
from cachelint.values import UNKNOWN


@dataclass(frozen=True)
class Hit:
    """What a Python check yields: the resource, the field that makes the finding, and values
    for the rule's message template."""

    resource: Resource
    pointer: str | None = None
    details: dict = field(default_factory=dict)
    # A severity decided by evidence (a code finding's linked cache), instead of the rule's.
    severity: Any = None


@dataclass(frozen=True)
class Context:
    inventory: Inventory
    config: Config


class Selection:
    """select/ignore by longest matching prefix, as flake8 decides; names count as ids."""

    def __init__(self, select: Iterable[str] = (), ignore: Iterable[str] = ()):
        self.select = tuple(s.strip() for s in select if s.strip())
        self.ignore = tuple(s.strip() for s in ignore if s.strip())

    @staticmethod
    def _match(rule: Rule, codes: tuple[str, ...]) -> int:
        best = -1
        for code in codes:
            if code.upper() == "ALL":
                best = max(best, 0)
            elif code.lower() == rule.name:
                best = max(best, 100)
            elif rule.id.startswith(code.upper()):
                best = max(best, len(code))
        return best

    def enabled(self, rule: Rule) -> bool:
        selected = self._match(rule, self.select) if self.select else 0
        if not rule.default_on and selected <= 0:
            return False  # off by default: only an explicit selector (not ALL) turns it on
        if selected < 0:
            return False
        ignored = self._match(rule, self.ignore)
        return ignored < 0 or selected > ignored


class _Fields(string.Formatter):
    def __init__(self, subject: Any, details: dict):
        self.subject, self.details = subject, details

    def get_field(self, field_name: str, args: Any, kwargs: Any) -> tuple[Any, str]:
        if field_name in self.details:
            return self.details[field_name], field_name
        if field_name == "address":
            return self.subject.source.address, field_name
        if field_name.startswith("attr."):
            name = field_name[5:]
            return self.subject.source.names.get(name, name), field_name
        value = conditions.resolve(self.subject, field_name)
        if field_name in ("name", "distribution") and (value is UNKNOWN or value in (None, "")):
            return self.subject.source.address, field_name  # name the resource some way
        return ("an unknown value" if value is UNKNOWN else value), field_name

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, (tuple, list)):
            value = ", ".join(str(v) for v in value) or "none"
        elif value is None:
            value = "unset"
        return super().format_field(value, format_spec)


def render(rule: Rule, subject: Resource, details: dict) -> str:
    try:
        return _Fields(subject, details).format(rule.message)
    except (AttributeError, KeyError, IndexError, ValueError):
        return rule.summary


def run(rules: Iterable[Rule], inventory: Inventory, config: Config,
        evaluations: dict | None = None) -> list[Finding]:
    """Findings of ``rules``; ``evaluations`` (if given) receives, per rule id, every resource
    the rule checked, for reports that list passing checks too (JUnit)."""
    ctx = Context(inventory, config)
    if evaluations is not None:
        for rule in rules:
            if rule.applies_to != ("inventory",):
                # A resource evaluated through several roots is one check (see merge_roots).
                checked: dict = {}
                for kind in rule.applies_to:
                    for res in sorted(inventory.of(KINDS[kind]), key=_through_callers_first):
                        src = res.source
                        checked.setdefault((src.location.path, local_address(src.address),
                                            src.location.start_line),
                                           ((src.location.path, src.address), src.location))
                evaluations[rule.id] = dict(checked.values())
    findings: list[Finding] = []
    for rule in rules:
        if rule.meta and rule.check is None:
            continue  # reported by the scan itself (suppression directives)
        for hit in _hits(rule, ctx):
            pointer = hit.pointer or rule.pointer
            if pointer is None and rule.condition is not None:
                pointer = conditions.last_field(rule.condition)
            src = hit.resource.source
            message = render(rule, hit.resource, hit.details)
            if src.assumes:
                message = f"{message[:-1]} ({src.assumes})." if message.endswith(".") \
                    else f"{message} ({src.assumes})"
            findings.append(Finding(
                rule=rule, message=message, address=src.address,
                resource_type=src.type, location=src.locate(pointer), pointer=pointer,
                root=src.root, resource_location=src.location,
                context=hit.resource.context(), source_kind=src.kind,
                level=hit.severity))
    return sorted(merge_roots(findings), key=Finding.sort_key)


def local_address(address: str) -> str:
    """``module.a["x"].module.b.aws_x.y[0]@prod`` -> ``aws_x.y[0]``: the resource instance
    within its module, whichever root evaluated it (a method's ``@stage`` is a root's value)."""
    address = re.sub(r'^(module\.[^.\[]+(\[[^\]]*\])?\.)+', "", address)
    return address.split("@", 1)[0]


def _through_callers_first(res: Resource) -> tuple:
    return (not res.source.address.startswith("module."), res.source.root, res.source.address)


def merge_roots(findings: list[Finding]) -> list[Finding]:
    """One finding per defect: the same rule on the same resource block at the same written
    line is one finding, whichever roots (environments calling a shared module, or the module
    checked alone) produce it; it names every one of them. Through a caller is preferred to
    the module alone (its address is the deployed one)."""
    groups: dict[tuple, list[Finding]] = {}
    for f in findings:
        key = (f.rule.id, f.location, f.resource_location, local_address(f.address))
        groups.setdefault(key, []).append(f)
    out = []
    for group in groups.values():
        group.sort(key=lambda f: (not f.address.startswith("module."), f.root, f.address))
        roots = tuple(sorted({r for f in group for r in f.all_roots}))
        first = group[0]
        out.append(replace(first, roots=roots) if len(roots) > 1 else first)
    return out


def _hits(rule: Rule, ctx: Context) -> Iterable[Hit]:
    if rule.check is not None:
        fn = rule.check_function
        if rule.applies_to == ("inventory",):
            yield from fn(ctx)
            return
        for kind in rule.applies_to:
            for res in ctx.inventory.of(KINDS[kind]):
                yield from fn(res, ctx)
        return
    evidence = rule.evidence_function
    for kind in rule.applies_to:
        for res in ctx.inventory.of(KINDS[kind]):
            if conditions.evaluate(rule.condition, res) is True:
                yield Hit(res, details=evidence(res, ctx) if evidence else {})
