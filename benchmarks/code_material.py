"""Labelling material for the code rules (issue 19): one markdown file per repository of the code
corpus, with every finding of a ``realworld.py --code-corpus --select CL6 --dump`` run: rule,
severity, message, file:line, the code around it (25 lines each side) and the infrastructure it
is linked to (the Lambda functions or ECS tasks whose code holds the file, with their
environment, and the resources the message names). No opinion: reviewers write the verdicts.

    python benchmarks/realworld.py --src SRC --code-corpus --select CL6 --dump code.jsonl
    python benchmarks/code_material.py --src SRC --dump code.jsonl --out material-code/

``--unlabelled`` keeps the findings no label of labels.yaml matches (a new round); every
repository of the code corpus gets a file, with the client usages the scan recognised, so that
reviewers can list the defects no finding names.
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


def client_usages(inventory, root: str, limit: int = 200) -> list[str]:
    """Markdown list of every cache, DAX and DynamoDB client the scan recognised in the
    repository's code (where it is made) and every call on one, so that reviewers can look for
    defects no finding names. Code the scan does not recognise (a client passed in as a
    parameter, built in another file) is not listed: reviewers read the code for it."""
    out = []
    for file in sorted(inventory.code, key=lambda f: f.path):
        rel = realworld._strip_root(os.path.relpath(file.path, root)
                                    if os.path.isabs(file.path) else file.path, root)
        for b in file.bindings:
            out.append(f"- `{rel}:{b.line}` client `{b.name}` = {b.library} ({b.client})")
        for c in file.calls:
            b = file.binding(c.receiver)
            if b is None:
                continue
            handled = ", inside an exception handler" if c.guarded else ""
            out.append(f"- `{rel}:{c.line}` `{c.receiver}.{c.method}(...)` on {b.library} "
                       f"({b.client}){handled}")
    if not out:
        return ["None recognised (no client made from a known library in the code of this "
                "repository)."]
    if len(out) > limit:
        out = out[:limit] + [f"- ... and {len(out) - limit} more"]
    return out


def write_material(records: list[dict], src: str, out_dir: str,
                   repos: list[str] = ()) -> list[str]:
    """One file per repository of ``records`` and of ``repos`` (those with no finding still
    get their client usages list)."""
    from cachelint.config import Config
    from cachelint.scan import ScanOptions, build_inventory

    os.makedirs(out_dir, exist_ok=True)
    by_repo: dict[str, list[dict]] = defaultdict(list)
    for rec in records:
        by_repo[rec["repo"]].append(rec)
    for repo in repos:
        by_repo.setdefault(repo, [])
    written = []
    for repo, recs in sorted(by_repo.items()):
        root = os.path.join(src, repo.replace("/", "+"))
        if not os.path.isdir(root):
            continue
        inventory = build_inventory(ScanOptions(paths=(root,), config=Config(),
                                                cache_dir=None)).inventory
        lines = [f"# {repo}: {len(recs)} code finding(s) to label", "",
                 LABEL_HELP.format(repo=repo), "",
                 "Defects in this repository's code that no finding below names go to the same "
                 "file's `missed:` list (repo, path, line, rule or category, reason); the "
                 "client usages at the end list what the scan recognised.", ""]
        for i, rec in enumerate(sorted(recs, key=realworld.record_key), 1):
            path = os.path.join(root, rec["path"])
            lines += [f"## {i}. {rec['rule']} {rec['rule_name']} [{rec['severity']}, "
                      f"{rec['category']}] — `{rec['path']}:{rec['line']}`", "",
                      f"- repo: {repo}", f"- path: {rec['path']}", f"- line: {rec['line']}",
                      f"- rule: {rec['rule']}", f"- address: {rec['address']}", "",
                      f"> {rec['message']}", "", f"```{_fence(path)}",
                      _excerpt(path, rec["line"]), "```", "", "Linked infrastructure:", "",
                      *_infrastructure(root, rec["path"], rec["message"], inventory), ""]
        lines += ["## Cache, DAX and DynamoDB client usages the scan recognised", "",
                  *client_usages(inventory, root), ""]
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
    ap.add_argument("--unlabelled", action="store_true",
                    help="only the findings no label of --into matches (a new labelling round)")
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
    if args.unlabelled:
        labels = realworld.load_labels(args.into)
        paired, _ = realworld.match(records, labels.findings)
        records = [r for i, r in enumerate(records) if i not in paired]
    corpus = [r.name for r in realworld.load_repos() if r.in_code_corpus]
    written = write_material(records, args.src, args.out, corpus)
    counts = defaultdict(int)
    for rec in records:
        counts[rec["repo"]] += 1
    index = ["# Code corpus: findings per repository", "",
             "Every repository of the code corpus (benchmarks/realworld/repos.yaml, kind app-code "
             "or code: true) was scanned with every code rule (CL6); each has a file with its "
             "findings to label (with --unlabelled: those no label matches yet) and the client "
             "usages the scan recognised. A real defect cachelint did not report goes to the "
             "labels' `missed:` list.", "",
             "| repository | commit | findings |", "|---|---|---|"]
    for repo in realworld.load_repos():
        if repo.in_code_corpus:
            index.append(f"| {repo.name} | {repo.commit[:12]} | {counts.get(repo.name, 0)} |")
    Path(args.out, "index.md").write_text("\n".join(index) + "\n", encoding="utf-8")
    print(f"wrote {len(written)} files ({len(records)} findings) to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
