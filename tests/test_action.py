"""The GitHub Action (action.yml) run as GitHub runs it: each `run:` step's script with bash
-eo pipefail, its `env:` evaluated from the inputs, in a temporary git repository, after a real
install of the action's code into a fresh virtual environment. Steps that use other actions are
checked for the inputs those actions declare (their action.yml, cited below)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
SARIF_SCHEMA = ROOT.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"
# Inputs each used action declares (required ones first): actions/setup-python@v5,
# actions/cache@v4, github/codeql-action/upload-sarif@v3 and
# marocchino/sticky-pull-request-comment@v2, from their action.yml files.
USED = {
    "actions/setup-python@v5": ({"python-version"}, {
        "python-version", "python-version-file", "cache", "architecture", "check-latest",
        "token", "cache-dependency-path", "update-environment", "allow-prereleases"}),
    "actions/cache@v4": ({"path", "key"}, {
        "path", "key", "restore-keys", "upload-chunk-size", "enableCrossOsArchive",
        "fail-on-cache-miss", "lookup-only", "save-always"}),
    "github/codeql-action/upload-sarif@v3": ({"sarif_file"}, {
        "sarif_file", "checkout_path", "ref", "sha", "token", "matrix", "category",
        "wait-for-processing"}),
    "marocchino/sticky-pull-request-comment@v2": ({"header"}, {
        "header", "append", "recreate", "delete", "only_create", "only_update", "hide_details",
        "hide", "hide_and_recreate", "hide_classify", "message", "path", "ignore_empty",
        "skip_unchanged", "follow_symbolic_links", "number", "owner", "repo", "GITHUB_TOKEN"}),
}
EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def evaluate(text: str, context: dict) -> str:
    """Replace `${{ a.b }}` references; anything else (a function call) is left as written."""
    def one(m: re.Match) -> str:
        return str(context[m[1]]) if m[1] in context else m[0]
    return EXPR.sub(one, text)


def outputs(path: Path) -> dict:
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)


@pytest.fixture(scope="module")
def runner(tmp_path_factory):
    """A runner's environment: the action's code as a checkout (github.action_path), and a
    fresh Python on PATH as setup-python leaves it; cachelint's dependencies come from the test
    environment so that the install step builds and installs only cachelint itself."""
    base = tmp_path_factory.mktemp("runner")
    action = base / "action"
    listed = subprocess.run(["git", "ls-files", "-z", "cachelint", "rules", "templates",
                             "pyproject.toml", "README.md", "action.yml"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout.split("\0")
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (action / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, action / name)
    venv = base / "python"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    site = subprocess.run([str(venv / "bin" / "python"), "-c",
                           "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    Path(site, "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    temp = base / "temp"
    temp.mkdir()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "GITHUB_", "NO_COLOR", "FORCE_COLOR", "VIRTUAL_ENV"))}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env['PATH']}"
    context = {"github.action_path": str(action), "runner.temp": str(temp),
               "runner.os": "Linux", "github.token": "test-token"}
    return {"env": env, "context": context, "base": base}


def run_action(runner: dict, repo: Path, inputs: dict) -> tuple[list, dict]:
    """Run every `run:` step of action.yml in order, as GitHub does; return the steps' results
    and the `with:` of each used action, evaluated."""
    declared = ACTION["inputs"]
    unknown = set(inputs) - set(declared)
    assert not unknown, unknown
    context = dict(runner["context"])
    context.update({f"inputs.{k}": inputs.get(k, v.get("default", ""))
                    for k, v in declared.items()})
    context["inputs.github-token"] = context["github.token"]
    results, used = [], {}
    for index, step in enumerate(ACTION["runs"]["steps"]):
        if "uses" in step:
            used[step["uses"]] = {k: evaluate(str(v), context)
                                  for k, v in step.get("with", {}).items()}
            continue
        assert step["shell"] == "bash" and "if" not in step
        assert "${{" not in step["run"], "inputs reach scripts through env only"
        files = {name: runner["base"] / f"{name.lower()}-{index}"
                 for name in ("GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY")}
        for f in files.values():
            f.write_text("")
        env = dict(runner["env"], **{k: evaluate(str(v), context)
                                     for k, v in step.get("env", {}).items()},
                   **{k: str(v) for k, v in files.items()})
        script = runner["base"] / f"step-{index}.sh"
        script.write_text(step["run"])
        # GitHub's bash for composite steps: bash --noprofile --norc -eo pipefail {0}
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                              cwd=repo, env=env, capture_output=True, text=True, timeout=900)
        results.append((step.get("name", step.get("id")), done))
        if step.get("id"):
            context.update({f"steps.{step['id']}.outputs.{k}": v
                            for k, v in outputs(files["GITHUB_OUTPUT"]).items()})
            context[f"steps.{step['id']}.summary"] = files["GITHUB_STEP_SUMMARY"].read_text()
        if done.returncode != 0:
            break
    return results, used | {"context": context}


def git_repo(path: Path, source: Path) -> Path:
    shutil.copytree(source, path)
    for args in (["init", "-q"], ["add", "-A"],
                 ["-c", "user.email=ci@example.com", "-c", "user.name=ci", "commit", "-qm", "x"]):
        subprocess.run(["git", *args], cwd=path, check=True, capture_output=True)
    return path


def test_used_actions_get_the_inputs_they_declare():
    steps = ACTION["runs"]["steps"]
    for step in (s for s in steps if "uses" in s):
        required, known = USED[step["uses"]]
        given = set(step.get("with", {}))
        assert required <= given <= known, step["uses"]
        for value in map(str, step.get("with", {}).values()):
            for ref in EXPR.findall(value):
                name = ref.split(".")[1] if ref.startswith("inputs.") else None
                assert name is None or name in ACTION["inputs"], ref
    cache = next(s for s in steps if s["uses" if "uses" in s else "name"] == "actions/cache@v4")
    scan = next(s for s in steps if s.get("id") == "scan")
    assert cache["with"]["path"] == scan["env"]["CACHE_DIR"]  # the cache keeps what scan writes
    for ref in re.findall(r"steps\.scan\.outputs\.([\w-]+)", (ROOT / "action.yml").read_text()):
        assert f"{ref}=" in scan["run"], ref


def test_the_action_fails_a_bad_change_and_reports_it_everywhere(runner, tmp_path):
    repo = git_repo(tmp_path / "repo", ROOT / "examples" / "shop")
    results, used = run_action(runner, repo, {"paths": ".", "fail-on": "high"})
    by = dict(results)
    assert by["Install cachelint"].returncode == 0, by["Install cachelint"].stderr
    assert by["Install cachelint"].stdout.strip().endswith("version 0.1.0")
    scan = by["Scan"]
    assert scan.returncode == 0, scan.stderr  # the gate is the last step, after the reports
    context = used["context"]
    assert context["steps.scan.outputs.exit-code"] == "1"
    assert re.search(r"^::error file=modules/api/main.tf,line=47,", scan.stdout, re.M)
    sarif = Path(used["github/codeql-action/upload-sarif@v3"]["sarif_file"])
    report = json.loads(sarif.read_text())
    if SARIF_SCHEMA.is_file():
        jsonschema.validate(report, json.loads(SARIF_SCHEMA.read_text()))
    assert report["runs"][0]["results"]
    comment = used["marocchino/sticky-pull-request-comment@v2"]
    assert comment["header"] == "cachelint" and comment["GITHUB_TOKEN"] == "test-token"
    markdown = Path(comment["path"]).read_text()
    assert "CL104" in markdown and markdown in context["steps.scan.summary"]
    # The parse cache the cache action keeps between runs was written.
    assert any(Path(used["actions/cache@v4"]["path"]).rglob("*"))
    gate = by["Gate"]
    assert gate.returncode == 1 and "cachelint scan exited 1" in gate.stdout


def test_the_action_passes_a_clean_repository_and_honours_its_inputs(runner, tmp_path):
    repo = git_repo(tmp_path / "repo", ROOT / "examples" / "shop-fixed")
    (repo / "docs").mkdir()
    (repo / "docs" / "notes.tf").write_text('resource "aws_dax_cluster" "x" {\n'
                                             '  cluster_name = "x"\n  replication_factor = 1\n}\n')
    results, used = run_action(runner, repo, {"paths": ". ", "args": "--ignore CL4"})
    by = dict(results)
    assert by["Scan"].returncode == 0, by["Scan"].stderr
    assert used["context"]["steps.scan.outputs.exit-code"] == "0", by["Scan"].stdout
    assert by["Gate"].returncode == 0
    bad_input = run_action(runner, repo, {"fail-on": "severe"})[0]
    assert dict(bad_input)["Gate"].returncode == 2
    assert "cachelint: error: " in dict(bad_input)["Scan"].stderr
