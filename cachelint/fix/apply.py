"""``cachelint fix``: scan, plan each finding's fix, edit the files in place (or show the diff),
then scan again and say what was fixed and what remains, and why."""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field, replace

from cachelint import atomic
from cachelint.findings import Finding, Report
from cachelint.fix.document import DocumentError, Edit, apply_edits, overlaps
from cachelint.fix.hcldoc import HclDocument, align
from cachelint.fix.plan import Change, FixContext, Refusal, plan_change
from cachelint.fix.yamldoc import YamlDocument
from cachelint.scan import ScanOptions, build_inventory, report_of

MAX_PASSES = 5  # later passes apply fixes that touched the same lines as an earlier one


@dataclass(frozen=True)
class FixOptions:
    unsafe: bool = False
    diff: bool = False
    ttl: int | None = None


@dataclass
class Outcome:
    finding: Finding
    status: str  # "fixed", "unsafe", "refused", "no-fix"
    reason: str = ""
    notes: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()  # the files its fix edits


@dataclass
class FixResult:
    before: Report
    after: Report | None
    outcomes: list[Outcome] = field(default_factory=list)
    diffs: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # files left alone, with why

    @property
    def fixed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "fixed"]

    @property
    def remaining(self) -> list[Outcome]:
        if self.after is None:
            return [o for o in self.outcomes if o.status != "fixed"]
        # After a write the rescan decides: what is still reported, with the reason we know.
        why = {_key(o.finding): o for o in self.outcomes if o.status != "fixed"}
        out = []
        for f in self.after.findings:
            known = why.get(_key(f))
            out.append(known if known is not None else Outcome(
                f, "refused", "still reported after its fix was applied"))
        return out

    @property
    def resolved(self) -> list[Outcome]:
        """Findings without a fix of their own that the rescan no longer reports (another
        fix resolved them: a TTL that makes a hot read cached)."""
        if self.after is None:
            return []
        after = {_key(f) for f in self.after.findings}
        return [replace(o, status="fixed", reason="resolved by the other fixes")
                for o in self.outcomes if o.status != "fixed" and _key(o.finding) not in after]

    @property
    def new(self) -> list[Finding]:
        if self.after is None:
            return []
        before = {_key(f) for f in self.before.findings}
        return [f for f in self.after.findings if _key(f) not in before]


def _key(f: Finding) -> tuple:
    return (f.rule.id, f.address, f.pointer, f.root)


def _inside(path: str, roots: tuple[str, ...]) -> bool:
    full = os.path.realpath(path)
    for root in roots:
        r = os.path.realpath(root)
        if full == r or (os.path.isdir(r) and full.startswith(r.rstrip(os.sep) + os.sep)):
            return True
    return False


def _resource(loaded, finding: Finding):
    for res in loaded.inventory.resources:
        src = res.source
        if src.address == finding.address and src.root == finding.root and \
                src.location == finding.resource_location:
            return res
    return None


def plan(options: ScanOptions, fix: FixOptions) -> tuple[Report, list[Outcome],
                                                         dict[str, list[Edit]], FixContext]:
    loaded = build_inventory(options)
    report = report_of(loaded, options)
    ctx = FixContext(loaded.inventory, options.config, fix.ttl, dict(options.variables),
                     dict(options.config.parameter_overrides) | dict(options.parameters),
                     tuple(options.config.var_files) + tuple(options.var_files))
    outcomes: list[Outcome] = []
    edits: dict[str, list[Edit]] = {}
    for finding in report.findings:
        rule = finding.rule
        if not rule.fix:
            outcomes.append(Outcome(finding, "no-fix", "the rule has no deterministic fix"))
            continue
        if finding.location.is_resource:
            outcomes.append(Outcome(finding, "refused", "a deployed resource: fix the code that "
                                                        "defines it"))
            continue
        resource = _resource(loaded, finding)
        if resource is None:
            outcomes.append(Outcome(finding, "refused", "its resource was not found again"))
            continue
        try:
            change = plan_change(finding, resource, ctx)
        except Refusal as exc:
            outcomes.append(Outcome(finding, "refused", str(exc)))
            continue
        except DocumentError as exc:
            outcomes.append(Outcome(finding, "refused", str(exc)))
            continue
        if not change.edits:
            outcomes.append(Outcome(finding, "refused", "the fix would change nothing "
                                    "(" + "; ".join(change.notes) + ")"))
            continue
        unsafe = (not rule.fix["safe"] and rule.fix.get("unsafe_because")) or change.unsafe_here
        if unsafe and not fix.unsafe:
            outcomes.append(Outcome(finding, "unsafe", f"unsafe fix ({unsafe}); "
                                    "apply with --unsafe-fixes", tuple(change.notes)))
            continue
        outside = [p for p in change.edits if not _inside(p, options.paths)]
        if outside:
            outcomes.append(Outcome(finding, "refused", f"the value is written in {outside[0]}, "
                                    "outside the scanned paths"))
            continue
        if _conflicts(edits, change):
            outcomes.append(Outcome(finding, "refused", "its edit overlaps another fix's; "
                                    "it is applied on the next pass", tuple(change.notes)))
            continue
        for path, more in change.edits.items():
            known = edits.setdefault(path, [])
            known.extend(e for e in more if e not in known)
        outcomes.append(Outcome(finding, "fixed", rule.fix["does"], tuple(change.notes),
                                tuple(change.edits)))
    return report, outcomes, edits, ctx


def _conflicts(edits: dict[str, list[Edit]], change: Change) -> bool:
    for path, more in change.edits.items():
        known = [e for e in edits.get(path, []) if e not in more]
        new = [e for e in more if e not in edits.get(path, [])]
        if any(not (a.start == a.end == b.start == b.end) and overlaps([a], [b])
               for a in known for b in new):
            return True
        # Two insertions at one point conflict only when one opens a one-line block.
        if any(a.start == b.start and (a.end != a.start or b.end != b.start)
               for a in known for b in new):
            return True
    return False


def new_text(path: str, text: str, edits: list[Edit]) -> str:
    """The file's text with the edits applied, aligned as terraform fmt does (HCL), and
    parsed again: a fix never leaves a file its tools cannot read."""
    out = apply_edits(text, edits)
    name = path.lower()
    if name.endswith((".tf", ".tfvars")):
        touched = set()  # the lines a fix wrote (insertions), in the new text
        shift = 0
        for e in sorted(edits, key=lambda e: (e.start, e.end)):
            start = e.start + shift
            if "\n" in e.text:
                first = out.count("\n", 0, start) + 1
                last = out.count("\n", 0, start + len(e.text) - 1) + 1
                touched.update(range(first, last + 1))
            shift += len(e.text) - (e.end - e.start)
        out = align(out, touched)
        HclDocument(path, out)
    else:
        YamlDocument(path, out, json_syntax=name.endswith(".json")
                     or out.lstrip().startswith("{"))
    return out


def unified(path: str, old: str, new: str) -> str:
    diff = difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                path, path)
    lines = []
    for line in diff:
        lines.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(lines)


def _write(path: str, original: bytes, text: str) -> None:
    with open(path, "rb") as fh:
        if fh.read() != original:
            raise DocumentError("changed since it was read; not written")
    # A symbolic link stays a link: the file it points to is the one rewritten.
    atomic.write_bytes(os.path.realpath(path), text.encode("utf-8"))


def run_fix(options: ScanOptions, fix: FixOptions) -> FixResult:
    result: FixResult | None = None
    for _ in range(MAX_PASSES):
        report, outcomes, edits, ctx = plan(options, fix)
        if result is None:
            result = FixResult(before=report, after=None)
            result.outcomes = outcomes
        else:
            # A later pass: the findings an earlier pass deferred get this pass's outcome.
            fixed_now = {_key(o.finding): o for o in outcomes}
            result.outcomes = [fixed_now.get(_key(o.finding), o) if o.status != "fixed" else o
                               for o in result.outcomes]
        texts = {}
        for path, file_edits in sorted(edits.items()):
            doc = ctx.documents[path]
            old = doc.text.text
            try:
                texts[path] = (old, new_text(path, old, file_edits))
            except (DocumentError, ValueError) as exc:
                result.errors.append(f"{path}: the fixed file would not parse ({exc}); "
                                     "left unchanged")
                _unfix(result, path)
        if fix.diff:
            result.diffs = [unified(p, old, new) for p, (old, new) in texts.items()
                            if old != new]
            return result
        for path, (old, new) in texts.items():
            try:
                _write(path, old.encode("utf-8"), new)
            except (DocumentError, OSError) as exc:
                result.errors.append(f"{path}: {exc}")
                _unfix(result, path)
                continue
            if path not in result.written:
                result.written.append(path)
        if not texts or not any(o.reason.endswith("next pass") for o in outcomes):
            break
    result.after = report_of(build_inventory(options), options)
    return result


def _unfix(result: FixResult, path: str) -> None:
    result.outcomes = [replace(o, status="refused", reason=f"{path} could not be edited")
                       if o.status == "fixed" and path in o.paths else o
                       for o in result.outcomes]
