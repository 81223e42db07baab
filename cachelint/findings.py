"""The result of a scan: findings and the errors met on the way."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from cachelint.catalogue import Rule, Severity
from cachelint.errors import FileError
from cachelint.model import Location, SourceKind


@dataclass(frozen=True)
class Suppression:
    kind: str  # "inSource" (a comment) or "external" (CloudFormation Metadata)
    justification: str
    line: int


@dataclass(frozen=True)
class Finding:
    rule: Rule
    message: str
    address: str
    resource_type: str
    location: Location
    pointer: str | None = None
    root: str = ""  # the root module the resource was evaluated from (the first of roots)
    # Every root module that produces this finding (a shared module called from several
    # environments, or a module folder checked alone too); () when there is only ``root``.
    roots: tuple[str, ...] = ()
    resource_location: Location | None = None  # the whole resource (block) the finding is in
    context: dict = field(default_factory=dict, compare=False, hash=False)  # for generate
    suppression: Suppression | None = None

    @property
    def all_roots(self) -> tuple[str, ...]:
        return self.roots or ((self.root,) if self.root else ())

    # Why this finding is reported as info rather than at the rule's severity (an availability
    # or cost finding in non-production code); "" when it is not.
    demoted: str = ""
    source_kind: SourceKind = SourceKind.FILE  # what the resource was read from
    # The severity the evidence decides (a code finding's linked cache), where a rule's
    # severity depends on it; None: the rule's.
    level: Severity | None = None

    @property
    def severity(self) -> Severity:
        if self.demoted:
            return Severity.INFO
        return self.level if self.level is not None else self.rule.severity

    @property
    def source(self) -> str:
        """terraform, cloudformation or aws: the syntax the finding's fix is shown in."""
        if self.source_kind is SourceKind.CODE:  # application code: its language
            return self.resource_type.removeprefix("code:")
        if self.source_kind is SourceKind.FILE:  # a file that could not be parsed
            return "terraform" if self.location.path.endswith((".tf", ".tf.json", ".hcl")) \
                else "cloudformation"
        return self.source_kind.value

    @property
    def fix_hint(self) -> str:
        """The rule's fix in the syntax of the finding's source ("" where it has none)."""
        return self.rule.fix_hint(self.source)

    @property
    def fingerprint(self) -> str:
        """Stable when lines move: rule, address, pointer, file and root module, not lines."""
        key = "\x1f".join((self.rule.id, self.address, self.pointer or "", self.location.path,
                            self.root))
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]

    def sort_key(self) -> tuple:
        return (self.location.path, self.location.start_line, self.rule.id, self.address)


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    suppressed: list[Finding] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    files_scanned: int = 0
    resources_scanned: int = 0
    # rule id -> {(path, resource address): location} for every resource a rule checked.
    evaluations: dict = field(default_factory=dict)
    # What a live scan could not read: the report is incomplete (exit code 3).
    warnings: list[str] = field(default_factory=list)
    snapshot: dict | None = field(default=None, repr=False)  # the live scan's, to save
    # Inputs of the scan that nothing used (an unknown --var or parameter override).
    input_warnings: list[str] = field(default_factory=list)

    @property
    def unreported_errors(self) -> list:
        """Errors of files no finding names already: a file that could not be parsed is
        usually reported by rule CL001, and text reports need not say it twice."""
        reported = {f.location.path for f in self.findings if f.rule.meta}
        return [e for e in self.errors if e.path not in reported]

    @property
    def incomplete(self) -> bool:
        return bool(self.warnings)

    def counts(self) -> dict[str, int]:
        out = {s.label: 0 for s in sorted(Severity, reverse=True)}
        for f in self.findings:
            out[f.severity.label] += 1
        return out
