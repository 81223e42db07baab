"""Every command in README.md does what the README says: each command block is run (in a
workspace holding the bundled examples under the names the README uses; live-AWS commands
against the repository's moto server), and its exit code and the first line of output the
README shows are checked. A command added to the README without an entry here fails the test,
so the two cannot drift apart."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
CHECKOV = Path(os.environ.get("CACHELINT_CHECKOV")
               or ROOT / ".venv-checkov" / "bin" / "checkov")


def _strip_comment(line: str) -> str:
    """The command without its trailing ``# comment`` (a ``#`` outside quotes, after a
    space)."""
    quote = None
    for i, ch in enumerate(line):
        if quote:
            quote = None if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i].rstrip()
    return line.rstrip()


def readme_commands() -> dict[str, str | None]:
    """Command -> the first line of output the README shows for it (None: none shown). From
    ```sh blocks (one command a line) and from blocks that show ``$ command`` and its
    output."""
    found: dict[str, str | None] = {}
    for lang, body in re.findall(r"^```(\w*)\n(.*?)^```", README.read_text(), re.M | re.S):
        lines = body.splitlines()
        if lang == "sh":
            for line in lines:
                command = _strip_comment(line)
                if command:
                    found.setdefault(command, None)
        elif lines and lines[0].startswith("$ "):
            found[lines[0][2:].strip()] = lines[1] if len(lines) > 1 else None
    return found


def sample_output() -> list[str]:
    """The finding lines of the sample output near the top of the README (from the first
    command, `cachelint scan examples/`)."""
    block = re.search(r"^```\n(examples/.*?)^```", README.read_text(), re.M | re.S)
    return [line for line in block.group(1).splitlines() if line.startswith("examples/")]


SHOP = "examples/shop"
PLAN = "tests/rules/CL101/plan/fail"  # a plan JSON with its configuration
WORKSPACE = {"infra": SHOP, "template.yaml": "examples/shop-sam/template.yaml",
             "access.log": "examples/logs/shop-api-access.log",
             "cf-logs/web.gz": "examples/logs/shop-web-cloudfront.gz"}
ROLE = "arn:aws:iam::{account_id}:role/CachelintReadOnly"


@dataclass(frozen=True)
class Case:
    rc: int | None = None  # the exit code the README's text implies
    files: dict = field(default_factory=dict)  # workspace path -> repository path or ("text",)
    in_repo: bool = False  # run in the repository (the command names examples/ itself)
    before: tuple[str, ...] = ()  # commands run first (the README runs them just before)
    run: str | None = None  # what runs instead, when part of the line cannot run here
    creates: tuple[str, ...] = ()  # files the command writes
    aws: bool = False  # against the moto server, with the shop deployed in us-east-1
    skip: str | None = None
    quiet_stderr: bool = False  # no warning on standard error
    shows: tuple[str, ...] = ()  # text the output must hold


CASES: dict[str, Case] = {
    "python3.11 -m venv .venv && .venv/bin/pip install . && .venv/bin/cachelint scan examples/":
        # The install needs the network; the test runs in the installed package, so the
        # scan that closes the line runs as written. The README says it exits 1.
        Case(rc=1, in_repo=True, run="cachelint scan examples/"),
    "bash scripts/test.sh": Case(skip="runs this very test suite (and installs packages)"),
    "cachelint scan ./infra": Case(rc=1),
    "cachelint scan template.yaml --parameter-overrides ApiCacheTtl=300 DaxNodes=3":
        Case(rc=1, quiet_stderr=True),
    "cachelint scan plan.json ./infra":
        Case(rc=1, files={"plan.json": f"{PLAN}/plan.json", "infra": PLAN}),
    "cachelint scan . --format sarif:cachelint.sarif --format markdown:pr.md --format github":
        Case(rc=1, creates=("cachelint.sarif", "pr.md")),
    "cachelint scan main.tf": Case(rc=1, files={".": SHOP}),
    "cachelint scan ./infra --format json -o report.json": Case(rc=1, creates=("report.json",)),
    "cachelint scan ./infra --fail-on high": Case(rc=1),
    "cachelint scan ./infra --select CL1 --ignore CL102,api-cache-unencrypted": Case(rc=1),
    "cachelint scan ./envs/prod --var-file prod.tfvars --var api_cache_ttl=60":
        Case(rc=1, files={"envs/prod": SHOP, "prod.tfvars": ('stage = "prod"\n',)},
             quiet_stderr=True),
    "cachelint scan . --statistics": Case(rc=1, shows=("CL104  api-cache-key",)),
    # Nothing regional is deployed in eu-west-1, but CloudFront is global: its findings.
    "cachelint scan --aws --region eu-west-1": Case(rc=1, aws=True),
    "cachelint aws snapshot -o account.json": Case(rc=0, aws=True, creates=("account.json",)),
    "cachelint scan account.json": Case(rc=1, files={
        "account.json": "examples/aws/shop-account.json"}),
    "cachelint scan ./infra --traffic access.log": Case(rc=1),
    "cachelint recommend ./infra --traffic access.log": Case(rc=0),
    "cachelint estimate --keys 500 --ttl 300 --rps 40": Case(rc=0),
    "cachelint traffic access.log cf-logs/*.gz": Case(rc=0),
    "cachelint baseline create . -o .cachelint-baseline.json":
        Case(rc=0, creates=(".cachelint-baseline.json",)),
    "cachelint scan . --baseline .cachelint-baseline.json":  # every finding is known: passes
        Case(rc=0, before=("cachelint baseline create . -o .cachelint-baseline.json",)),
    "cachelint rules": Case(rc=0, shows=("CL104  api-cache-key-missing-caller-identity",)),
    "cachelint explain CL104": Case(rc=0, shows=("# CL104 api-cache-key-missing-caller-identity",
                                                  "## Why is this bad?")),
    "cachelint generate --layer dax --name orders-dax --out modules/orders-dax":
        Case(rc=0, creates=("modules/orders-dax/main.tf",)),
    "cachelint generate --layer elasticache --engine valkey":
        Case(rc=0, creates=("cachelint-modules/elasticache-cache/main.tf",)),
    "cachelint generate --layer apigateway --ttl 60 --cache-key "
    "method.request.querystring.page":
        Case(rc=0, creates=("cachelint-modules/apigateway-cache/main.tf",)),
    'cachelint generate --layer cloudfront --api-path-pattern "/api/*"':
        Case(rc=0, creates=("cachelint-modules/cloudfront-cache/main.tf",)),
    "cachelint scan infra --format json -o findings.json --exit-zero && cachelint generate "
    "--from-scan findings.json":
        # The module answers a hot GET with no cache (CL502), which the examples' configuration
        # declares hot; defects of existing caches are left to `cachelint fix`.
        Case(rc=0, files={".cachelint.yaml": "examples/.cachelint.yaml"},
             creates=("findings.json", "cachelint-modules/apigateway-cache/main.tf")),
    "cachelint scan infra --generate fixes/":
        Case(rc=1, files={".cachelint.yaml": "examples/.cachelint.yaml"},
             creates=("fixes/apigateway-cache/main.tf",)),
    "cachelint scan --aws": Case(rc=1, aws=True),
    "cachelint scan --aws --profile prod --region eu-west-1 --region us-east-1":
        Case(rc=1, aws=True),
    # moto has no DAX in me-central-1 and me-south-1: those two parts cannot be read, so the
    # scan says it is incomplete (exit 3, as the exit code table says) and still reports.
    "cachelint scan --aws --all-regions --format sarif -o live.sarif":
        Case(rc=3, aws=True, creates=("live.sarif",)),
    # Another account, reached through the role. Nothing is deployed there, but the test
    # layer's ElastiCache parameter groups are not kept per account: its CL301 shows (exit 1).
    "cachelint scan --aws --role-arn arn:aws:iam::111111111111:role/CachelintReadOnly "
    "--external-id ci-7f3a": Case(rc=1, aws=True),
    f"cachelint scan --aws --organization --role-arn {ROLE}": Case(rc=1, aws=True),
    f"cachelint scan --aws --accounts accounts.txt --role-arn {ROLE}":
        Case(rc=1, aws=True, files={"accounts.txt": ("123456789012  # the shop\n",)}),
    f"cachelint scan --aws --aws-config-aggregator org --role-arn {ROLE}":
        Case(rc=1, aws=True),
    f"cachelint aws snapshot --organization --role-arn {ROLE} --resume org/":
        Case(rc=0, aws=True, creates=("org/123456789012.json",)),
    "cachelint scan org/*.json":
        Case(rc=1, aws=True, before=(f"cachelint aws snapshot --organization --role-arn {ROLE} "
                                     "--resume org/",)),
    "cachelint scan --aws --window-days 14 --hot-rps 5": Case(rc=1, aws=True),
    "cachelint scan ./infra --aws": Case(rc=1, aws=True),
    "cachelint aws policy": Case(rc=0, shows=('"cloudwatch:GetMetricData"',)),
    "cachelint traffic examples/logs/shop-api-access.log --top 1 --ttl 30,60,300":
        Case(rc=0, in_repo=True),
    "cachelint recommend examples/shop --traffic examples/logs/shop-api-access.log":
        Case(rc=0, in_repo=True),
    "cachelint estimate --keys 12 --ttl 300 --rps 3 --zipf 1 --layer apigateway --size 0.5":
        Case(rc=0, in_repo=True),
    "pip install --no-deps cachelint": Case(
        skip="installs from PyPI (network); tests/test_checkov_export.py runs checkov with "
             "cachelint importable"),
    "cachelint export checkov cachelint-checks":
        Case(rc=0, creates=("cachelint-checks/NOT_EXPORTED.md",)),
    "cachelint --version": Case(rc=0, shows=("cachelint, version",)),
    "cachelint completion bash": Case(rc=0, shows=("complete",)),
    "cachelint init": Case(rc=0, creates=(".cachelint.yaml", ".cachelint-baseline.json")),
    "cachelint scan": Case(rc=1),
    "cachelint scan - --stdin-filename infra/main.tf < infra/main.tf": Case(rc=1),
    "cachelint scan ./infra --format concise --show-source": Case(rc=1),
    # fix: the shop keeps findings that have no fix (or need --unsafe-fixes), so it exits 1;
    # fixing only CL205 leaves none of it.
    "cachelint fix examples/shop --diff": Case(rc=1, in_repo=True),
    "cachelint fix infra": Case(rc=1, shows=("fixed  infra/",)),
    "cachelint fix infra --diff": Case(rc=1, shows=("--- infra/",)),
    "cachelint fix infra --select CL205 --ttl 120": Case(rc=0, shows=("0 remain",)),
    "cachelint fix infra --unsafe-fixes": Case(rc=1, shows=("fixed  infra/",)),
    "cachelint scan infra --fix --format sarif -o out.sarif": Case(rc=1, creates=("out.sarif",)),
    # checkov exits 1 when a check fails: the shop fails cachelint's and checkov's own.
    "checkov -d infra --external-checks-dir cachelint-checks":
        Case(rc=1, before=("cachelint export checkov cachelint-checks",),
             shows=("Check: CL401", "Check: CKV_AWS")),
}


def test_every_readme_command_has_a_case():
    commands = readme_commands()
    assert set(commands) == set(CASES), (
        f"README commands without a case: {sorted(set(commands) - set(CASES))}; "
        f"cases no longer in the README: {sorted(set(CASES) - set(commands))}")


def _workspace(tmp_path: Path, case: Case) -> Path:
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / ".git").mkdir()  # a repository of its own: the configuration search stops here
    for target, source in (WORKSPACE | case.files).items():
        dest = ws / target
        if isinstance(source, tuple):
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(source[0])
        elif (ROOT / source).is_dir():
            shutil.copytree(ROOT / source, dest, dirs_exist_ok=True)
        else:
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / source, dest)
    return ws


def _shell(command: str, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=900)


def _env(extra: dict | None = None) -> dict:
    """`cachelint` on PATH is this checkout's (the test's interpreter); checkov its own."""
    bins = [os.path.dirname(sys.executable)]
    if CHECKOV.is_file():
        bins.append(str(CHECKOV.parent))
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    env["PATH"] = os.pathsep.join(bins + [env.get("PATH", "")])
    env.update(BC_SKIP_MAPPING="TRUE", CHECKOV_RUN_SCA_PACKAGE_SCAN_V2="false")
    return env | (extra or {})


def _check(command: str, case: Case, cwd: Path, env: dict, shown: str | None) -> None:
    for first in case.before:
        _shell(first, cwd, env)
    result = _shell(case.run or command, cwd, env)
    assert result.returncode == case.rc, (
        f"{command}: exit {result.returncode}, README implies {case.rc}\n{result.stderr}")
    if shown is not None:
        assert result.stdout.splitlines()[0] == shown, result.stdout[:500]
    for text in case.shows:
        assert text in result.stdout, f"{command}: no {text!r} in its output"
    if case.quiet_stderr:
        assert "warning" not in result.stderr, result.stderr
    for path in case.creates:
        assert (cwd / path).is_file(), f"{command} did not write {path}"
    if command.startswith("python3.11"):
        for line in sample_output():
            assert line in result.stdout.splitlines(), line


LOCAL = [c for c, case in CASES.items() if not case.aws]
LIVE = [c for c, case in CASES.items() if case.aws]


@pytest.mark.parametrize("command", LOCAL)
def test_readme_command(command, tmp_path):
    case = CASES[command]
    if case.skip:
        pytest.skip(case.skip)
    if command.startswith("checkov") and not CHECKOV.is_file():
        pytest.skip(f"checkov's virtualenv is missing at {CHECKOV}; scripts/test.sh makes it")
    cwd = ROOT if case.in_repo else _workspace(tmp_path, case)
    _check(command, case, cwd, _env(), readme_commands().get(command))


@pytest.mark.parametrize("command", LIVE)
def test_readme_live_aws_command(command, aws, tmp_path):
    from aws_seed import clients, seed_shop

    c = clients(aws.url)
    seed_shop(c, aws.layer)
    if "--organization" in command:
        c.organizations.create_organization(FeatureSet="ALL")
    if "--aws-config-aggregator org" in command:  # an aggregator over the shop's account
        c.config.put_configuration_aggregator(
            ConfigurationAggregatorName="org", AccountAggregationSources=[
                {"AccountIds": ["123456789012"], "AwsRegions": ["us-east-1"]}])
    ws = _workspace(tmp_path, CASES[command])
    # A named profile, as `--profile prod` reads it.
    (ws / "aws-config").write_text("[profile prod]\nregion = us-east-1\n")
    (ws / "aws-credentials").write_text(
        "[prod]\naws_access_key_id = AKIATESTINGKEY000002\n"
        "aws_secret_access_key = testing-secret-access-key-prod\n")
    env = _env({"AWS_CONFIG_FILE": str(ws / "aws-config"),
                "AWS_SHARED_CREDENTIALS_FILE": str(ws / "aws-credentials")})
    _check(command, CASES[command], ws, env, readme_commands().get(command))


def test_commands_are_shell_words():
    """Each command parses as shell words (no stray quotes from editing the README)."""
    for command in readme_commands():
        assert shlex.split(command)
