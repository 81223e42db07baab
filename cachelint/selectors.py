"""Rule selectors (``--select``, ``--ignore``, ``select:``/``ignore:``): every one must name a
rule, a rule id prefix or ``ALL``. An unknown selector would select or ignore nothing and let a
gate pass in silence, so it is refused with the nearest valid ones, as ruff does."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from cachelint.catalogue import load_catalogue


def is_known(code: str) -> bool:
    """Whether ``code`` selects at least one rule of the catalogue."""
    code = code.strip()
    if code.upper() == "ALL":
        return True
    return any(rule.id.startswith(code.upper()) or rule.name == code.lower()
               for rule in load_catalogue())


def nearest(code: str, n: int = 3) -> list[str]:
    """The rule ids, names and id prefixes closest to a selector that names none."""
    rules = load_catalogue()
    candidates = sorted({r.id for r in rules} | {r.name for r in rules}
                        | {r.id[:k] for r in rules for k in (3, 4)})
    pool = {c.lower(): c for c in candidates}
    found = difflib.get_close_matches(code.strip().lower(), list(pool), n=n, cutoff=0.6)
    return [pool[c] for c in found]


def problem(code: str) -> str:
    """``unknown rule selector 'CL999' (did you mean CL109, CL199?)``."""
    close = nearest(code)
    hint = f"did you mean {', '.join(close)}?" if close else "`cachelint rules` lists the rules"
    return f"unknown rule selector {code.strip()!r} ({hint})"


def unknown(codes: Iterable[str]) -> list[str]:
    """The selectors of ``codes`` that select no rule, in order, once each."""
    out: list[str] = []
    for code in codes:
        if code.strip() and not is_known(code) and code.strip() not in out:
            out.append(code.strip())
    return out
