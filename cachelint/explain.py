"""A rule's documentation page, from the catalogue (``cachelint explain``, SARIF help)."""

from __future__ import annotations

import textwrap

from cachelint.catalogue import Rule, load_catalogue


_SOURCES = {"terraform": "Terraform", "cloudformation": "CloudFormation/SAM",
            "aws": "live AWS accounts and snapshots (`--aws`, `cachelint aws snapshot`)",
            "python": "Python", "javascript": "JavaScript/TypeScript", "java": "Java", "go": "Go"}
_HINT_TITLES = {"terraform": "Terraform", "cloudformation": "CloudFormation/SAM",
                "aws": "Live AWS (console or CLI)", "python": "Python",
                "javascript": "JavaScript/TypeScript", "java": "Java", "go": "Go"}


def render_markdown(rule: Rule) -> str:
    """A rule's page: what it does, why it is bad, example, what to use instead."""
    parts = [f"# {rule.id} {rule.name}", "",
             f"Category: {rule.category.value}   Severity: {rule.severity.label}   "
             f"Layer: {rule.layer}", "",
             "Applies to: " + ", ".join(_SOURCES[s] for s in rule.sources), "",
             *(["Off by default: it runs only when selected (`--select " + rule.id + "`).", ""]
               if not rule.default_on else []),
             "## What it does", "", rule.summary, "",
             "## Why is this bad?", "", rule.rationale, ""]
    if rule.example:
        parts += ["## Example", "", textwrap.indent(rule.example.rstrip(), "    "), ""]
    parts += ["## Use instead", "", rule.remediation, ""]
    for source in rule.sources:
        hint = rule.fix_hint(source)
        if hint:
            parts += [f"{_HINT_TITLES[source]}:", "", textwrap.indent(hint, "    "), ""]
    if rule.thresholds or rule.reads:
        parts += ["## Thresholds", "", "Set in the configuration's `thresholds:`.", ""]
        parts += [f"- `{name}` (default {default:g}): {text}"
                  for name, default, text in rule.thresholds]
        parts += [f"- `{name}` (default {default:g}, declared by {owner.id}): {text}"
                  for owner in load_catalogue() for name, default, text in owner.thresholds
                  if name in rule.reads]
        parts.append("")
    if rule.recommended_layer:
        parts += [f"Recommended layer: {rule.recommended_layer}", ""]
    parts += ["## References", ""] + [f"- {r}" for r in rule.references]
    if rule.peers:
        parts += ["", "Overlapping checks in other tools: " + ", ".join(rule.peers)]
    return "\n".join(parts)


def fix_line(rule: Rule) -> str:
    """What ``cachelint fix`` does for the rule, and whether it is safe."""
    fix = rule.fix
    if not fix:
        return "No automatic fix: the right change depends on the workload."
    if fix["safe"]:
        return f"`cachelint fix` {fix['does']} (safe)."
    return (f"`cachelint fix --unsafe-fixes` {fix['does']} (unsafe: "
            f"{fix['unsafe_because']}).")
