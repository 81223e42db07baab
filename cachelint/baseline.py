"""Baselines: accept today's findings, fail only on new ones.

An entry is matched first by fingerprint (rule, resource address, field, file, root module:
lines do not count), then, for entries whose file or folder moved, by rule, resource address
and field alone. What is left of the baseline afterwards has been fixed.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cachelint import __version__, atomic
from cachelint.errors import UserError
from cachelint.findings import Finding

FORMAT = "cachelint-baseline/1"


class BaselineError(UserError, ValueError):
    usage = True


@dataclass(frozen=True)
class Entry:
    fingerprint: str
    rule_id: str
    address: str
    pointer: str
    path: str

    @property
    def loose_key(self) -> tuple[str, str, str]:
        return (self.rule_id, self.address, self.pointer)


def entry_of(f: Finding) -> Entry:
    return Entry(f.fingerprint, f.rule.id, f.address, f.pointer or "", f.location.path)


def create(findings: list[Finding]) -> dict[str, Any]:
    entries = sorted((entry_of(f) for f in findings), key=lambda e: (e.path, e.rule_id, e.address))
    return {
        "format": FORMAT,
        "tool": {"name": "cachelint", "version": __version__},
        "created": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "findings": [{"fingerprint": e.fingerprint, "rule_id": e.rule_id, "address": e.address,
                      "pointer": e.pointer, "path": e.path} for e in entries],
    }


def save(data: dict[str, Any], path: str) -> None:
    """Written atomically: a crash never leaves a half-written baseline behind."""
    atomic.write_text(path, json.dumps(data, indent=2) + "\n", prefix=".cachelint-baseline-")


def load(path: str) -> list[Entry]:
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except FileNotFoundError:
        raise BaselineError(f"{path}: no such file") from None
    except (OSError, ValueError) as exc:
        raise BaselineError(f"{path}: not a cachelint baseline ({exc})".splitlines()[0]) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or \
            not isinstance(data.get("findings"), list):
        raise BaselineError(f"{path}: not a cachelint baseline (expected format {FORMAT!r}; "
                            "create one with `cachelint baseline create`)")
    entries = []
    for item in data["findings"]:
        try:
            entries.append(Entry(str(item["fingerprint"]), str(item["rule_id"]),
                                 str(item["address"]), str(item.get("pointer") or ""),
                                 str(item.get("path") or "")))
        except (KeyError, TypeError):
            raise BaselineError(f"{path}: malformed entry {item!r}"[:200]) from None
    return entries


@dataclass
class Comparison:
    new: list[Finding]
    known: list[Finding]
    fixed: int

    def note(self, path: str) -> str:
        """The report's line about what the baseline at ``path`` hid and what was fixed."""
        known, fixed = len(self.known), self.fixed
        return (f"baseline {path}: {known} known finding{'s' if known != 1 else ''} not "
                f"reported, {fixed} baseline entr{'ies' if fixed != 1 else 'y'} fixed")


def compare(findings: list[Finding], entries: list[Entry]) -> Comparison:
    exact = Counter(e.fingerprint for e in entries)
    new: list[Finding] = []
    known: list[Finding] = []
    unmatched: list[Finding] = []
    for f in findings:
        if exact[f.fingerprint] > 0:
            exact[f.fingerprint] -= 1
            known.append(f)
        else:
            unmatched.append(f)
    # Entries not matched exactly may belong to findings whose file or folder moved.
    loose: Counter = Counter()
    for e in entries:
        if exact[e.fingerprint] > 0:
            exact[e.fingerprint] -= 1
            loose[e.loose_key] += 1
    for f in unmatched:
        key = entry_of(f).loose_key
        if loose[key] > 0:
            loose[key] -= 1
            known.append(f)
        else:
            new.append(f)
    return Comparison(new=new, known=known, fixed=sum(loose.values()))
