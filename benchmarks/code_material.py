"""Labelling material for the code rules (issue 19): one markdown file per repository of the code
corpus, with every finding of a ``realworld.py --code-corpus --select CL6 --dump`` run: rule,
severity, message, file:line, the code around it (25 lines each side) and the infrastructure it
is linked to (the Lambda functions or ECS tasks whose code holds the file, with their
environment, and the resources the message names). No opinion: reviewers write the verdicts.

    python benchmarks/realworld.py --src SRC --code-corpus --select CL6 --dump code.jsonl
    python benchmarks/code_material.py --src SRC --dump code.jsonl --out material-code/
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import realworld  # noqa: E402

CONTEXT = 25
LABEL_HELP = """\
Labels go to a YAML file in the format of benchmarks/realworld/labels.yaml (`findings:` list),
one entry per finding, copying repo, path, line, rule and address from the finding's header:

    findings:
      - repo: {repo}
        path: src/app.py
        line: 12
        rule: CL605
        address: src/app.py:12
        verdict: tp        # tp | fp | unknown
        reason: one line saying why
"""


def _excerpt(path: str, line: int, before: int = CONTEXT, after: int = CONTEXT,
             end: int | None = None) -> str:
    try:
        lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        return f"(cannot read {path}: {exc.strerror})"
    first = max(1, line - before)
    last = min(len(lines), (end or line) + after)
    width = len(str(last))
    out = []
    for n in range(first, last + 1):
        mark = ">" if n == line else " "
        out.append(f"{mark}{n:>{width}} | {lines[n - 1]}")
    return "\n".join(out)


def _fence(path: str) -> str:
    return {".py": "python", ".js": "javascript", ".ts": "typescript", ".java": "java",
            ".go": "go", ".tf": "hcl", ".yaml": "yaml", ".yml": "yaml",
            ".json": "json"}.get(os.path.splitext(path)[1], "")


def _infrastructure(root: str, rel_path: str, message: str, inventory) -> list[str]:
    """Markdown for the resources linked to the finding: functions running the file, and any
    inventory resource whose address the message names."""
    from cachelint.code.linking import Links
    from cachelint.code.model import CodeFile

    out = []
    full = os.path.join(root, rel_path)
    links = Links(inventory)
    owners = links.functions_of(CodeFile(path=full, language=""))
    named = [r for r in inventory.resources
             if r.source.address and f"{r.source.address}" in message and r not in owners]
    if not owners and not named:
        return ["No infrastructure resource is linked to this file (no Lambda function or ECS "
                "task of the scan holds it, and the message names none)."]
    for res in [*owners, *named]:
        loc = res.source.location
        rel = os.path.relpath(loc.path, root) if os.path.isabs(loc.path) else loc.path
        rel = realworld._strip_root(rel, root)
        kind = "runs this file" if res in owners else "named by the finding"
        out.append(f"- `{res.source.address}` ({res.source.type}, {kind}) at `{rel}:"
                   f"{loc.start_line}`")
        env = getattr(res, "environment", None)
        if isinstance(env, dict) and env:
            pairs = ", ".join(f"{k}={v}" for k, v in sorted(env.items()))
            out.append(f"  environment: {pairs[:600]}")
        path = loc.path if os.path.isabs(loc.path) else os.path.join(root, loc.path)
        if os.path.isfile(path) and loc.start_line:
            end = min(loc.end_line or loc.start_line, loc.start_line + 40)
            out += ["", f"```{_fence(path)}", _excerpt(path, loc.start_line, 2, 2, end), "```",
                    ""]
    return out


def write_material(records: list[dict], src: str, out_dir: str) -> list[str]:
    from cachelint.config import Config
    from cachelint.scan import ScanOptions, build_inventory

    os.makedirs(out_dir, exist_ok=True)
    by_repo: dict[str, list[dict]] = defaultdict(list)
    for rec in records:
        by_repo[rec["repo"]].append(rec)
    written = []
    for repo, recs in sorted(by_repo.items()):
        root = os.path.join(src, repo.replace("/", "+"))
        inventory = build_inventory(ScanOptions(paths=(root,), config=Config(),
                                                cache_dir=None)).inventory
        lines = [f"# {repo}: {len(recs)} code finding(s)", "",
                 LABEL_HELP.format(repo=repo), ""]
        for i, rec in enumerate(sorted(recs, key=realworld.record_key), 1):
            path = os.path.join(root, rec["path"])
            lines += [f"## {i}. {rec['rule']} {rec['rule_name']} [{rec['severity']}, "
                      f"{rec['category']}] — `{rec['path']}:{rec['line']}`", "",
                      f"- repo: {repo}", f"- path: {rec['path']}", f"- line: {rec['line']}",
                      f"- rule: {rec['rule']}", f"- address: {rec['address']}", "",
                      f"> {rec['message']}", "", f"```{_fence(path)}",
                      _excerpt(path, rec["line"]), "```", "", "Linked infrastructure:", "",
                      *_infrastructure(root, rec["path"], rec["message"], inventory), ""]
        target = os.path.join(out_dir, repo.replace("/", "+") + ".md")
        Path(target).write_text("\n".join(lines) + "\n", encoding="utf-8")
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--src", required=True, help="folder of checkouts (owner+name)")
    ap.add_argument("--dump", required=True, help="the JSON lines of a realworld.py run")
    ap.add_argument("--out", required=True, help="folder for the markdown files")
    args = ap.parse_args(argv)
    with open(args.dump, encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    written = write_material(records, args.src, args.out)
    counts = defaultdict(int)
    for rec in records:
        counts[rec["repo"]] += 1
    index = ["# Code corpus: findings per repository", "",
             "Every repository of the code corpus (benchmarks/realworld/repos.yaml, kind app-code "
             "or code: true) was scanned; those with no finding have no file here. A real defect "
             "cachelint did not report goes to the labels' `missed:` list.", "",
             "| repository | commit | findings |", "|---|---|---|"]
    for repo in realworld.load_repos():
        if repo.in_code_corpus:
            index.append(f"| {repo.name} | {repo.commit[:12]} | {counts.get(repo.name, 0)} |")
    Path(args.out, "index.md").write_text("\n".join(index) + "\n", encoding="utf-8")
    print(f"wrote {len(written)} files ({len(records)} findings) to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
