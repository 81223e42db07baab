"""The rule catalogue: ``rules/*.yaml``, validated against a JSON Schema; the one registry.

Listing rules, ``explain`` and report rule descriptors read it without running any check.
"""

from __future__ import annotations

import enum
import functools
import importlib
import json
from dataclasses import dataclass, field
from importlib import resources
from collections.abc import Callable
from typing import Any

import jsonschema
import yaml

from cachelint.model import KINDS


class Severity(enum.IntEnum):
    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r} (choose from "
                             f"{', '.join(s.label for s in cls)})") from None


class Category(str, enum.Enum):
    MISSING_TTL = "missing-ttl"
    CONSISTENCY = "consistency"
    UNCACHED_HOT_READ = "uncached-hot-read"
    CACHE_KEY = "cache-key"
    STAMPEDE = "stampede"
    ENCRYPTION = "encryption"
    AVAILABILITY = "availability"
    COST = "cost"
    INEFFECTIVE = "ineffective"

    @property
    def security(self) -> bool:
        """Whether the harm is a security one by nature: data readable by the wrong party
        (encryption) or wrong for its reader (consistency). A rule of another category can
        still say ``security: true`` (a cache key that serves one caller's data to another)."""
        return self in (Category.ENCRYPTION, Category.CONSISTENCY)


# Each rule's page (docs/rules/ID.md, written from the catalogue by scripts/rule_docs.py).
DOCS_URL = "https://github.com/cachelint/cachelint/blob/main/docs/rules/{id}.md"


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    category: Category
    severity: Severity
    layer: str
    applies_to: tuple[str, ...]
    summary: str
    message: str
    rationale: str
    remediation: str
    recommended_layer: str | None = None
    example: str = ""
    # The fix in each source's syntax: (source, snippet) pairs, source being terraform,
    # cloudformation or aws (console/CLI). A finding shows its own source's.
    fix_hints: tuple[tuple[str, str], ...] = ()
    references: tuple[str, ...] = ()
    peers: tuple[str, ...] = ()
    condition: Any = None
    pointer: str | None = None
    check: str | None = None
    meta: bool = False
    sources: tuple[str, ...] = ("terraform", "cloudformation", "aws")
    fix: dict | None = field(default=None, compare=False)  # `cachelint fix` (cachelint/fix)
    security: bool = False  # a security concern (SARIF security-severity, GitHub's Security tab)
    # The settings this rule declares, as yamllint's DEFAULT: (name, default, description).
    thresholds: tuple[tuple[str, float, str], ...] = ()
    reads: tuple[str, ...] = ()  # thresholds declared by another rule that its check reads
    # False: runs only when selected explicitly (by id, prefix or name), not by default or ALL.
    default_on: bool = True
    # A function (dotted path) giving a declarative rule's finding more message details from
    # other evidence (code linked to the resource): f(resource, ctx) -> dict.
    evidence: str | None = None

    def __hash__(self) -> int:
        return hash(self.id)  # ids are unique in the catalogue

    def fix_hint(self, source: str) -> str:
        """The fix snippet for findings from ``source``, or "" where the rule has none."""
        return dict(self.fix_hints).get(source, "")

    @property
    def docs_url(self) -> str:
        return DOCS_URL.format(id=self.id)

    @property
    def check_function(self) -> Callable:
        return _function(self.check)

    @property
    def evidence_function(self) -> Callable | None:
        return _function(self.evidence) if self.evidence else None


def _function(dotted: str) -> Callable:
    module, _, attr = dotted.rpartition(".")
    return getattr(importlib.import_module(module), attr)


# libyaml's safe loader when PyYAML was built with it: ten times faster at start-up.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class CatalogueError(Exception):
    pass


@functools.lru_cache(maxsize=1)
def rule_schema() -> dict:
    text = resources.files("cachelint.schemas").joinpath("rule.schema.json").read_text("utf-8")
    return json.loads(text)


@functools.lru_cache(maxsize=1)
def _validator() -> jsonschema.protocols.Validator:
    # One validator for the whole catalogue: jsonschema.validate() would check the schema
    # itself again for every rule, which costs most of a scan's start-up.
    schema = rule_schema()
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def parse_rule(data: Any, origin: str) -> Rule:
    try:
        error = jsonschema.exceptions.best_match(_validator().iter_errors(data))
        if error is not None:
            raise error
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "(top)"
        raise CatalogueError(f"{origin}: {where}: {exc.message}") from None
    for kind in data["applies_to"]:
        if kind not in KINDS and kind != "inventory":
            raise CatalogueError(f"{origin}: applies_to: unknown model kind {kind!r}")
    return Rule(
        id=data["id"], name=data["name"], category=Category(data["category"]),
        severity=Severity.parse(data["severity"]), layer=data["layer"],
        applies_to=tuple(data["applies_to"]), summary=data["summary"].strip(),
        message=data["message"].strip(), rationale=data["rationale"].strip(),
        remediation=data["remediation"].strip(), recommended_layer=data.get("recommended_layer"),
        example=data.get("example", ""), fix_hints=_fix_hints(data),
        references=tuple(data.get("references", ())), peers=tuple(data.get("peers", ())),
        condition=data.get("condition"), pointer=data.get("pointer"), check=data.get("check"),
        meta=data.get("meta", False),
        security=data.get("security", Category(data["category"]).security),
        sources=tuple(data.get("sources", ("terraform", "cloudformation", "aws"))),
        fix=data.get("fix"),
        thresholds=tuple((name, spec["default"], spec["description"])
                         for name, spec in (data.get("thresholds") or {}).items()),
        reads=tuple(data.get("reads", ())),
        default_on=data.get("default", "on") == "on", evidence=data.get("evidence"))


HINT_SOURCES = ("terraform", "cloudformation", "aws", "python", "javascript", "java", "go")


def _fix_hints(data: dict) -> tuple[tuple[str, str], ...]:
    hints = dict(data.get("fix_hint") or {})
    if "fix_example" in data:  # the older name of the Terraform hint
        hints.setdefault("terraform", data["fix_example"])
    return tuple((s, hints[s].rstrip("\n")) for s in HINT_SOURCES if hints.get(s))


@functools.lru_cache(maxsize=1)
def load_catalogue() -> tuple[Rule, ...]:
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    folder = resources.files("cachelint.rules")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        try:
            docs = list(yaml.load_all(entry.read_text("utf-8"), Loader=_YAML_LOADER))
        except yaml.YAMLError as exc:
            raise CatalogueError(f"rules/{entry.name}: {exc}") from None
        for data in docs:
            if data is None:
                continue
            rule = parse_rule(data, f"rules/{entry.name}")
            for key in (rule.id, rule.name):
                if key in seen:
                    raise CatalogueError(f"rules/{entry.name}: {key} is already defined in "
                                         f"{seen[key]}")
                seen[key] = f"rules/{entry.name}"
            rules.append(rule)
    _check_thresholds(rules)
    return tuple(sorted(rules, key=lambda r: r.id))


def _check_thresholds(rules: list[Rule]) -> None:
    """A threshold is declared by one rule; a rule that reads another's names it."""
    owner: dict[str, str] = {}
    for rule in rules:
        for name, _, _ in rule.thresholds:
            if name in owner:
                raise CatalogueError(f"{rule.id}: threshold {name} is already declared by "
                                     f"{owner[name]}")
            owner[name] = rule.id
    for rule in rules:
        for name in rule.reads:
            if name not in owner:
                raise CatalogueError(f"{rule.id}: reads threshold {name}, which no rule declares")


def threshold_defaults() -> dict[str, float]:
    """Every threshold of the catalogue, with its default."""
    return {name: default for rule in load_catalogue() for name, default, _ in rule.thresholds}


def find_rule(code: str) -> Rule | None:
    code = code.strip()
    for rule in load_catalogue():
        if rule.id.lower() == code.lower() or rule.name == code.lower():
            return rule
    return None
