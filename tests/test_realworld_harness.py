"""benchmarks/realworld.py: label matching and scoring on synthetic labels and findings, and one
scan of a small repository written here (no network, no fetched code)."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import realworld
from realworld import InputError, Label, Labels, Missed


def rec(repo="o/a", path="main.tf", line=10, rule="CL101", address="aws_x.y", severity="medium"):
    return {"repo": repo, "path": path, "line": line, "rule": rule, "address": address,
            "severity": severity}


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


# --- matching ------------------------------------------------------------------------------

def test_exact_key_wins_over_address():
    exact = Label("o/a", "main.tf", 10, "CL101", "aws_x.y", "tp")
    other = Label("o/a", "main.tf", 99, "CL101", "aws_x.y", "fp")
    paired, unmatched = realworld.match([rec()], [other, exact])
    assert paired == {0: exact}
    assert unmatched == [other]


def test_label_follows_a_finding_that_moved_within_its_resource():
    label = Label("o/a", "main.tf", 12, "CL101", "aws_x.y", "tp")
    paired, unmatched = realworld.match([rec(line=15)], [label])
    assert paired == {0: label} and unmatched == []


def test_address_fallback_needs_a_unique_label_and_a_unique_finding():
    a = Label("o/a", "main.tf", 1, "CL101", "aws_x.y", "tp")
    b = Label("o/a", "main.tf", 2, "CL101", "aws_x.y", "fp")
    paired, unmatched = realworld.match([rec(line=30)], [a, b])
    assert paired == {} and len(unmatched) == 2
    paired, unmatched = realworld.match([rec(line=30), rec(line=31)], [a])
    assert paired == {} and unmatched == [a]


def test_address_fallback_does_not_cross_rule_or_repo():
    label = Label("o/a", "main.tf", 12, "CL101", "aws_x.y", "tp")
    for moved in (rec(line=15, rule="CL102"), rec(line=15, repo="o/b")):
        paired, _ = realworld.match([moved], [label])
        assert paired == {}


def test_a_finding_that_moved_to_another_file_keeps_its_label_when_unique():
    """A rule that now points where the value is written (a variable's default in another file)
    keeps the label of its resource; two candidates are ambiguous and keep none."""
    label = Label("o/a", "main.tf", 12, "CL101", "aws_x.y", "tp")
    paired, _ = realworld.match([rec(line=3, path="variables.tf")], [label])
    assert paired == {0: label}
    paired, _ = realworld.match([rec(line=3, path="variables.tf"), rec(line=4, path="b.tf")],
                                [label])
    assert paired == {}


def test_a_label_is_used_once():
    label = Label("o/a", "main.tf", 10, "CL101", "aws_x.y", "tp")
    # Two findings with the same exact key (two resources reported on one line).
    paired, _ = realworld.match([rec(address="aws_x.y"), rec(address="aws_x.z")], [label])
    assert list(paired.values()) == [label]


# --- scoring -------------------------------------------------------------------------------

def test_precision_recall_and_unknown_counts_neither_way():
    records = [rec(line=1), rec(line=2), rec(line=3), rec(line=4, severity="high"),
               rec(line=5), rec(repo="o/b", line=1, rule="CL201")]
    labels = Labels(
        findings=[Label("o/a", "main.tf", 1, "CL101", verdict="tp"),
                  Label("o/a", "main.tf", 2, "CL101", verdict="tp"),
                  Label("o/a", "main.tf", 3, "CL101", verdict="unknown"),
                  Label("o/a", "main.tf", 4, "CL101", verdict="fp"),
                  Label("o/b", "main.tf", 1, "CL201", verdict="tp")],
        missed=[Missed("o/a", "cache.tf", 7, "CL203", "no TTL")])
    sc = realworld.score(records, labels, ["o/a", "o/b"])
    t = sc.total
    assert (t.findings, t.tp, t.fp, t.unknown, t.unlabelled, t.missed) == (6, 3, 1, 1, 1, 1)
    assert sc.precision == pytest.approx(3 / 4)
    assert sc.recall == pytest.approx(3 / 4)
    assert [r["line"] for r in sc.severe_false] == [4]
    assert sc.by_repo["o/a"].tp == 2 and sc.by_repo["o/a"].missed == 1
    assert sc.by_repo["o/b"].tp == 1 and sc.by_repo["o/b"].missed == 0
    assert sc.by_rule["CL203"].missed == 1 and sc.by_rule["CL201"].tp == 1
    assert [r["line"] for r in sc.unlabelled] == [5]


def test_a_true_finding_no_longer_reported_is_missed_a_false_one_is_only_listed():
    labels = Labels(findings=[Label("o/a", "main.tf", 1, "CL101", "aws_x.y", "tp"),
                              Label("o/a", "main.tf", 2, "CL102", "aws_x.y", "fp")])
    sc = realworld.score([], labels, ["o/a"])
    assert sc.total.missed == 1 and sc.recall == 0.0 and sc.precision is None
    assert [lb.rule for lb in sc.lost] == ["CL101"]
    assert [lb.rule for lb in sc.stale] == ["CL102"]


def test_labels_of_repositories_not_scanned_are_left_out():
    labels = Labels(findings=[Label("o/b", "main.tf", 1, "CL101", verdict="tp")],
                    missed=[Missed("o/b", "main.tf", 3, "CL203")])
    sc = realworld.score([rec()], labels, ["o/a"])
    assert (sc.total.tp, sc.total.missed, sc.total.unlabelled) == (0, 0, 1)
    assert sc.lost == []


def test_no_severe_false_finding_when_high_findings_are_true():
    labels = Labels(findings=[Label("o/a", "main.tf", 1, "CL101", verdict="tp")])
    sc = realworld.score([rec(line=1, severity="critical")], labels, ["o/a"])
    assert sc.severe_false == []


# --- files ---------------------------------------------------------------------------------

def test_labels_file_round_trip(tmp_path):
    path = write(tmp_path, "labels.yaml", """\
        findings:
          - {repo: o/a, path: main.tf, line: 3, rule: CL101, address: aws_x.y, verdict: TP,
             reason: no TTL}
        missed:
          - {repo: o/a, path: main.tf, line: 9, rule: missing-ttl, reason: default TTL 0}
        """)
    labels = realworld.load_labels(path)
    assert labels.findings == [Label("o/a", "main.tf", 3, "CL101", "aws_x.y", "tp", "no TTL")]
    assert labels.missed == [Missed("o/a", "main.tf", 9, "missing-ttl", "default TTL 0")]


def test_the_committed_labels_file_loads():
    labels = realworld.load_labels(realworld.LABELS_FILE)
    assert isinstance(labels, Labels)


@pytest.mark.parametrize("body, problem", [
    ("findings:\n  - {repo: o/a, path: m.tf, line: 1, rule: CL1, verdict: maybe}\n",
     "verdict 'maybe'"),
    ("findings:\n  - {repo: o/a, path: m.tf, rule: CL1, verdict: tp}\n", "missing line"),
    ("findings:\n  - {repo: o/a, path: m.tf, line: x, rule: CL1, verdict: tp}\n",
     "line must be a whole number"),
    ("missed:\n  - {repo: o/a, line: 1, rule: CL1}\n", "missing path"),
    ("extra: []\n", "unknown key 'extra'"),
    ("findings:\n  - {repo: o/a, path: m.tf, line: 1, rule: CL1, verdict: tp}\n"
     "  - {repo: o/a, path: m.tf, line: 1, rule: CL1, verdict: fp}\n", "labelled twice"),
    ("findings: [\n", "cannot read"),
])
def test_bad_labels_give_one_line_naming_the_file(tmp_path, body, problem):
    path = write(tmp_path, "labels.yaml", body)
    with pytest.raises(InputError) as exc:
        realworld.load_labels(path)
    message = str(exc.value)
    assert message.startswith(str(path)) and problem in message and "\n" not in message


def test_the_committed_corpus_is_valid_and_mixed():
    repos = realworld.load_repos()
    kinds = [r.kind for r in repos]
    assert len(repos) >= 28 and len({r.name for r in repos}) == len(repos)
    assert kinds.count("tf-module") >= 8 and kinds.count("tf-app") >= 8
    assert kinds.count("cloudformation") >= 5 and kinds.count("sam-openapi") >= 4
    assert kinds.count("cdk") >= 2
    # Issue 19: at least 15 repositories whose application code uses ElastiCache or DAX.
    assert sum(r.in_code_corpus for r in repos) >= 15 and kinds.count("app-code") >= 12


def test_bad_repos_file(tmp_path):
    path = write(tmp_path, "repos.yaml", """\
        repos:
          - {name: o/a, url: u, commit: abc, kind: tf-module}
        """)
    with pytest.raises(InputError, match="commit must be a full 40-hex-digit id"):
        realworld.load_repos(path)
    path = write(tmp_path, "repos.yaml", f"""\
        repos:
          - {{name: o/a, url: u, commit: {'a' * 40}, kind: tf-module, paths: [../x]}}
        """)
    with pytest.raises(InputError, match="inside the repository"):
        realworld.load_repos(path)


def test_print_fetch_pins_every_commit(tmp_path, capsys):
    repos = realworld.load_repos()
    assert realworld.main(["--print-fetch", "--src", "corpus"]) == 0
    out = capsys.readouterr().out
    for r in repos:
        assert f"git clone --quiet --filter=blob:none {r.url} corpus/{r.folder}\n" in out
        assert f"git -C corpus/{r.folder} checkout --quiet {r.commit}\n" in out


# --- one real scan -------------------------------------------------------------------------

def test_scan_dump_and_missing_repository(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # --src given relative, as a user would
    src = Path("src")
    repo_dir = src / "o+a" / "infra"
    repo_dir.mkdir(parents=True)
    (repo_dir / "dax.tf").write_text(textwrap.dedent("""\
        resource "aws_dax_parameter_group" "reads" {
          name = "reads"

          parameters {
            name  = "record-ttl-millis"
            value = "0"
          }
        }
        """), encoding="utf-8")
    (repo_dir / "broken.tf").write_text('resource "aws_elasticache_cluster" "b" {\n  tags = {\n'
                                        '    "a" = \n  }\n}\n', encoding="utf-8")
    repos = write(tmp_path, "repos.yaml", f"""\
        repos:
          - {{name: o/a, url: https://example.invalid/o/a, commit: {'a' * 40},
             kind: tf-module, paths: [infra]}}
          - {{name: o/gone, url: https://example.invalid/o/gone, commit: {'b' * 40},
             kind: tf-app}}
        """)
    labels = write(tmp_path, "labels.yaml", """\
        findings:
          - {repo: o/a, path: infra/dax.tf, line: 1, rule: CL401,
             address: aws_dax_parameter_group.reads, verdict: tp, reason: TTL 0 (moved line)}
        """)
    dump = tmp_path / "out.jsonl"
    rc = realworld.main(["--src", str(src), "--repos", str(repos), "--labels", str(labels),
                         "--dump", str(dump)])
    out = capsys.readouterr().out
    assert rc == 1  # a repository is missing
    assert "missing from --src (not scanned): 1" in out and "o/gone" in out
    text = dump.read_text()
    lines = [json.loads(x) for x in text.splitlines()]
    assert [(x["repo"], x["path"], x["line"], x["rule"], x["address"]) for x in lines] == [
        ("o/a", "infra/broken.tf", 3, "CL001", "infra/broken.tf"),
        ("o/a", "infra/dax.tf", 6, "CL401", "aws_dax_parameter_group.reads")]
    assert all(x["severity"] and x["message"] and x["fix"] for x in lines)
    # Keys and messages do not depend on where the checkouts are.
    assert "src/" not in text and str(tmp_path) not in text
    assert "  o/a: 2 files, 1 resources, 1 errors" in out
    # The label written for line 1 follows the finding to line 6 of the same resource.
    assert "precision = TP/(TP+FP) = 100.0 %" in out and "recall = TP/(TP+missed) = 100.0 %" in out


def test_a_missed_defect_a_true_finding_now_reports_is_no_longer_missed():
    """Found on the missed line, or on the resource holding it (the finding may point at the
    variable default where its value is written); another rule or repository does not count."""
    m = realworld.Missed("o/a", "main.tf", 40, "encryption")
    at_default = dict(rec(path="variables.tf", line=3, rule="CL305"), category="encryption",
                      resource_path="main.tf", resource_lines=[30, 50])
    assert realworld._now_found(m, [at_default])
    assert realworld._now_found(m, [dict(rec(line=40), category="encryption")])
    assert not realworld._now_found(m, [dict(at_default, category="availability", rule="CL303")])
    assert not realworld._now_found(m, [dict(at_default, repo="o/b")])
    assert not realworld._now_found(m, [dict(at_default, resource_lines=[41, 50])])


def test_merge_labels_replaces_re_judged_findings_and_skips_a_bad_file(tmp_path, capsys):
    sys.path.insert(0, str(Path(realworld.__file__).parent / "realworld"))
    from merge_labels import merge

    labels = tmp_path / "labels.yaml"
    labels.write_text(textwrap.dedent("""\
        # header kept
        # findings: described here
        findings:
        - {repo: o/a, path: main.tf, line: 3, rule: CL303, address: x, verdict: fp, reason: old}
        missed:
        - {repo: o/a, path: main.tf, line: 9, rule: encryption, reason: no TLS}
        """))
    new = tmp_path / "o+a.yaml"
    new.write_text(textwrap.dedent("""\
        findings:
        - {repo: o/a, path: main.tf, line: 3, rule: CL303, address: x, verdict: tp, reason: new}
        - {repo: o/b, path: t.yaml, line: 5, rule: CL203, address: D, verdict: fp, reason: why}
        missed:
        - {repo: o/a, path: main.tf, line: 9, rule: encryption, reason: same defect again}
        - {repo: o/b, path: t.yaml, line: 7, rule: cache-key, reason: all cookies}
        """))
    bad = tmp_path / "bad.yaml"
    bad.write_text("findings:\n- {repo: o/c, path: x.tf, line: 1, rule: CL1, verdict: maybe, "
                   "reason: r}\n")
    assert merge([new, bad], labels) == (1, 1, 1)
    assert "bad.yaml: verdict 'maybe' is not tp, fp or unknown (skipped)" in capsys.readouterr().err
    text = labels.read_text()
    assert text.startswith("# header kept\n# findings: described here\nfindings:\n")
    merged = realworld.load_labels(labels)
    assert [(lb.repo, lb.verdict, lb.reason) for lb in merged.findings] == [
        ("o/a", "tp", "new"), ("o/b", "fp", "why")]
    assert [(m.repo, m.line) for m in merged.missed] == [("o/a", 9), ("o/b", 7)]


# --- code_material: a labelling round's material --------------------------------------------

def test_code_material_lists_the_recognised_client_usages_of_a_repository_with_no_finding(
        tmp_path):
    import code_material

    repo = tmp_path / "src" / "o+app"
    repo.mkdir(parents=True)
    write(repo, "app.py", '''
        import redis

        r = redis.Redis(host="cache.internal")


        def handler(event, context):
            try:
                return r.get(event["id"])
            except redis.RedisError:
                return None
    ''')
    [written] = code_material.write_material([], str(tmp_path / "src"), str(tmp_path / "out"),
                                             ["o/app", "o/absent"])
    text = Path(written).read_text()
    assert "# o/app: 0 code finding(s) to label" in text
    assert "- `app.py:4` client `r` = redis-py (redis)" in text
    assert "- `app.py:9` `r.get(...)` on redis-py (redis), inside an exception handler" in text
