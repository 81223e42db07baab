#!/usr/bin/env python3
"""Write docs/rules/ID.md, each rule's page (the text of `cachelint explain ID`), from the
catalogue. SARIF's helpUri points at these pages; tests/test_ci_outputs.py checks they are
current.

    python scripts/rule_docs.py
"""

from __future__ import annotations

from pathlib import Path

from cachelint.catalogue import load_catalogue
from cachelint.explain import render_markdown

DOCS = Path(__file__).resolve().parent.parent / "docs" / "rules"


def pages() -> dict[str, str]:
    return {f"{rule.id}.md": render_markdown(rule) + "\n" for rule in load_catalogue()}


def main() -> None:
    DOCS.mkdir(parents=True, exist_ok=True)
    wanted = pages()
    for stale in DOCS.glob("CL*.md"):
        if stale.name not in wanted:
            stale.unlink()
    for name, text in wanted.items():
        (DOCS / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(wanted)} rule pages to {DOCS}")


if __name__ == "__main__":
    main()
