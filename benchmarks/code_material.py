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

import realworld

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


def merge_labels(folder: str, target: str) -> tuple[int, int]:
    """Add the reviewers' label files (``folder/*.yaml``, each in the labels.yaml format) to
    ``target``: findings before its ``missed:`` section, missed defects at its end, entries
    already there (same repo, path, line, rule, address) left as they are. Each file is
    checked first (one-line error naming the file). Returns (findings, missed) added."""
    import yaml

    current = realworld.load_labels(target)
    have = {(lb.repo, lb.path, lb.line, lb.rule, lb.address) for lb in current.findings}
    have_missed = {(m.repo, m.path, m.line, m.rule) for m in current.missed}
    new_findings: list[dict] = []
    new_missed: list[dict] = []
    for path in sorted(Path(folder).glob("*.y*ml")):
        realworld.load_labels(path)  # raises InputError naming the file
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for entry in data.get("findings") or []:
            key = (str(entry["repo"]), str(entry["path"]), entry["line"], str(entry["rule"]),
                   str(entry.get("address", "")))
            if key not in have:
                have.add(key)
                new_findings.append(entry)
        for entry in data.get("missed") or []:
            key = (str(entry["repo"]), str(entry["path"]), entry["line"], str(entry["rule"]))
            if key not in have_missed:
                have_missed.add(key)
                new_missed.append(entry)
    text = Path(target).read_text(encoding="utf-8")
    def dump(items: list) -> str:
        return yaml.safe_dump(items, sort_keys=False, allow_unicode=True,
                              width=100) if items else ""
    head, sep, tail = text.partition("\nmissed:")
    head = head.rstrip("\n") + "\n" + dump(new_findings)
    tail = (sep + tail).rstrip("\n") + "\n" + dump(new_missed) if sep else \
        "\nmissed:\n" + dump(new_missed)
    Path(target).write_text(head.rstrip("\n") + "\n" + tail.lstrip("\n") if not sep else
                            head + tail.lstrip("\n"), encoding="utf-8")
    realworld.load_labels(target)  # what was written reads back
    return len(new_findings), len(new_missed)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--merge-labels", metavar="DIR",
                    help="add DIR/*.yaml (reviewers' labels) to --into, and exit")
    ap.add_argument("--into", default=str(realworld.LABELS_FILE),
                    help="labels file to merge into (default: %(default)s)")
    ap.add_argument("--src", help="folder of checkouts (owner+name)")
    ap.add_argument("--dump", help="the JSON lines of a realworld.py run")
    ap.add_argument("--out", help="folder for the markdown files")
    args = ap.parse_args(argv)
    if args.merge_labels:
        try:
            added = merge_labels(args.merge_labels, args.into)
        except realworld.InputError as exc:
            print(f"code_material: error: {exc}", file=sys.stderr)
            return 2
        print(f"added {added[0]} findings and {added[1]} missed to {args.into}", file=sys.stderr)
        return 0
    if not (args.src and args.dump and args.out):
        ap.error("--src, --dump and --out are required (or --merge-labels)")
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
