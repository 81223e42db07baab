"""What ruff, checkov and tflint users expect of a command line, through the real CLI: output
formats for editors, colour switches, stdin, help, completion, errors of one shape."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FAIL_CASE = ROOT / "tests" / "rules" / "CL101" / "terraform" / "fail"
SAM_FAIL = ROOT / "examples" / "shop-sam"
# The problem matcher a VS Code or GitHub Actions user writes for `path:line:col: CODE message`.
MATCHER = re.compile(r"^(?P<file>[^:\s][^:]*):(?P<line>\d+):(?P<col>\d+): (?P<code>CL\d{3}) "
                     r"(?P<message>.+)$")


def cachelint(*args: str, cwd: Path = ROOT, env: dict | None = None,
              stdin: str | None = None) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    full.update(env or {})
    return subprocess.run([sys.executable, "-m", "cachelint", *args], cwd=cwd, env=full,
                          input=stdin, capture_output=True, text=True, timeout=120)


def matched(stdout: str) -> list[re.Match]:
    return [m for m in map(MATCHER.match, stdout.splitlines()) if m]


def test_concise_lines_point_at_the_first_character_of_the_offending_line():
    result = cachelint("scan", str(FAIL_CASE), "--format", "concise")
    assert result.returncode == 1, result.stderr
    found = matched(result.stdout)
    expected = {(int(n), "CL101") for n, line in
                enumerate((FAIL_CASE / "main.tf").read_text().splitlines(), 1)
                if "expect: CL101" in line}
    assert expected <= {(int(m["line"]), m["code"]) for m in found}
    for m in found:
        text = Path(m["file"]).read_text().splitlines()[int(m["line"]) - 1]
        assert int(m["col"]) == len(text) - len(text.lstrip()) + 1
        assert not m["message"].startswith("[")
    # Every line but the summary is a finding a problem matcher reads.
    lines = result.stdout.splitlines()
    assert len(found) == len(lines) - 1 and lines[-1].startswith("Found ")


def test_show_source_prints_the_offending_lines_under_each_finding():
    source = (FAIL_CASE / "main.tf").read_text().splitlines()
    for fmt in ("text", "concise", "grouped"):
        result = cachelint("scan", str(FAIL_CASE), "--format", fmt, "--show-source",
                           "--no-color")
        assert result.returncode == 1, result.stderr
        frames = re.findall(r"^\s+(\d+) \| (.*)$", result.stdout, re.M)
        assert frames, fmt
        for number, text in frames:
            assert source[int(number) - 1] == text
        plain = cachelint("scan", str(FAIL_CASE), "--format", fmt, "--no-color")
        assert not re.search(r"^\s+\d+ \| ", plain.stdout, re.M)
    # Asked for a format that cannot show it, the option is an error, not ignored.
    for args in (("--show-source", "--format", "json"), ("--statistics", "--format", "sarif")):
        refused = cachelint("scan", str(FAIL_CASE), *args)
        assert refused.returncode == 2 and f"{args[0]} applies to --format" in refused.stderr


def test_grouped_names_each_file_once_with_its_findings_under_it():
    result = cachelint("scan", "examples/shop", "examples/shop-sam", "--format", "grouped")
    assert result.returncode == 1, result.stderr
    headers = [line[:-1] for line in result.stdout.splitlines()
               if line.endswith(":") and not line.startswith(" ")]
    assert len(headers) == len(set(headers)) >= 3
    data = json.loads(cachelint("scan", "examples/shop", "examples/shop-sam",
                                "--format", "json").stdout)
    assert set(headers) == {f["location"]["path"] for f in data["findings"]}
    blocks = result.stdout.split("\n\n")
    for f in data["findings"]:
        block = next(b for b in blocks if b.startswith(f"{f['location']['path']}:\n"))
        assert re.search(rf"^  {f['location']['start_line']}:\d+ +{f['rule_id']} ", block, re.M)
    # Deployed resources have no file: they group by account and Region, each under its ARN.
    live = cachelint("scan", "examples/aws/shop-account.json", "--format", "grouped", "-q")
    assert re.search(r"^123456789012/us-east-1:\n(  .*\n)*?  arn:aws:apigateway:us-east-1::"
                     r"/restapis/\S+ CL104 \[critical\] GET ", live.stdout, re.M)


def test_colour_follows_the_flag_then_no_color_then_force_color():
    def coloured(*extra: str, **env: str) -> bool:
        out = cachelint("scan", str(FAIL_CASE), *extra, env=env).stdout
        return "\033[" in out

    assert not coloured()  # not a terminal
    assert coloured(FORCE_COLOR="1")
    assert not coloured(FORCE_COLOR="")  # set but empty: not set (force-color.org)
    assert not coloured(FORCE_COLOR="1", NO_COLOR="1")
    assert coloured("--color", NO_COLOR="1")
    assert not coloured("--no-color", FORCE_COLOR="1")
    assert coloured("--format", "grouped", FORCE_COLOR="1")


def test_a_report_file_in_a_new_folder_creates_the_folder(tmp_path):
    target = tmp_path / "reports" / "new" / "x.sarif"
    result = cachelint("scan", str(FAIL_CASE), "--format", f"sarif:{target}",
                       "--format", "concise")
    assert result.returncode == 1, result.stderr
    assert json.loads(target.read_text())["version"] == "2.1.0"
    assert matched(result.stdout)


def test_version():
    from cachelint import __version__

    result = cachelint("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"cachelint, version {__version__}"


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_stdin_buffer_is_evaluated_with_its_module_and_reported_under_its_name(tmp_path):
    infra = tmp_path / "infra"
    infra.mkdir()
    text = (FAIL_CASE / "main.tf").read_text()
    # On disk the TTL is fine; the unsaved buffer reads it from a variable beside the file.
    (infra / "main.tf").write_text(text.replace("= 0 # expect: CL101", "= 300"))
    # A value computed in the buffer from a variable declared beside it (a value written as a
    # literal elsewhere would be reported where it is written, outside the buffer).
    (infra / "variables.tf").write_text('variable "ttl" {\n  default = 300\n}\n')
    buffer = text.replace("= 0 # expect: CL101", "= var.ttl - 300")
    before = tree(tmp_path)
    result = cachelint("scan", "-", "--stdin-filename", "infra/main.tf", "--format", "concise",
                       "--show-source", cwd=tmp_path, stdin=buffer)
    assert result.returncode == 1, result.stderr
    found = {(m["file"], int(m["line"]), m["code"]) for m in matched(result.stdout)}
    assert ("infra/main.tf", 46, "CL101") in found
    assert "46 |     cache_ttl_in_seconds                       = var.ttl - 300" in result.stdout
    assert tree(tmp_path) == before  # nothing written into the user's tree
    # The same file from disk has no CL101: the finding came from the buffer.
    disk = cachelint("scan", "infra/main.tf", "--format", "concise", cwd=tmp_path)
    assert "CL101" not in disk.stdout


def test_stdin_template_without_a_name_is_recognised_and_reported_as_dash():
    template = (SAM_FAIL / "template.yaml").read_text()
    result = cachelint("scan", "-", "--format", "json", stdin=template)
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert data["findings"]
    assert {f["location"]["path"] for f in data["findings"]} == {"-"}
    on_disk = json.loads(cachelint("scan", str(SAM_FAIL / "template.yaml"), "--format",
                                   "json").stdout)
    assert {(f["rule_id"], f["location"]["start_line"]) for f in data["findings"]} >= {
        (f["rule_id"], f["location"]["start_line"]) for f in on_disk["findings"]
        if f["rule_id"] not in ("CL501", "CL502")}  # those read examples/.cachelint.yaml


def test_stdin_cannot_be_mixed_with_paths():
    result = cachelint("scan", "-", str(FAIL_CASE), stdin="")
    assert result.returncode == 2
    assert "standard input" in result.stderr and "Traceback" not in result.stderr


def test_no_path_scans_the_current_folder(tmp_path):
    (tmp_path / "main.tf").write_text((FAIL_CASE / "main.tf").read_text())
    result = cachelint("scan", "--format", "concise", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert {(m["file"], m["code"]) for m in matched(result.stdout)} == {
        ("main.tf", "CL101"), ("main.tf", "CL106")}


def commands(group=None, path=("cachelint",)):
    """Every command of the real click tree, with its path."""
    import click

    from cachelint.cli import cli

    group = group or cli
    for name, cmd in sorted(group.commands.items()):
        yield path + (name,), cmd
        if isinstance(cmd, click.Group):
            yield from commands(cmd, path + (name,))


def test_every_option_has_help_and_none_is_hidden():
    import click

    for path, cmd in commands():
        for param in cmd.params:
            if isinstance(param, click.Option):
                assert param.help and not param.hidden, (" ".join(path), param.opts)
    shown = cachelint("scan", "--help").stdout
    assert "--no-prefilter" in shown


def test_command_summaries_are_whole_sentences_never_cut_off():
    groups = [("cachelint",)] + [p for p, c in commands() if hasattr(c, "commands")]
    for path in groups:
        result = cachelint(*path[1:], "--help", env={"COLUMNS": "80"})
        assert result.returncode == 0
        listing = result.stdout.split("Commands:\n", 1)[1]
        rows = re.split(r"\n  (?=\S)", "\n" + listing.rstrip())[1:]
        assert rows, path
        for row in rows:
            summary = " ".join(row.split()[1:])
            assert summary.endswith(".") and "..." not in summary, (path, row)


def test_aws_options_have_their_own_help_section():
    for args in (("scan",), ("baseline", "create"), ("recommend",), ("aws", "snapshot")):
        text = cachelint(*args, "--help").stdout
        general, aws = text.split("\nAWS options:\n")
        for flag in ("--profile", "--region", "--role-arn", "--window-days", "--aws-workers"):
            assert re.search(rf"^  {flag}\b", aws, re.M), (args, flag)
            assert not re.search(rf"^  {flag}\b", general, re.M), (args, flag)
        assert "--config" not in aws


def test_every_error_is_one_line_of_the_same_shape(tmp_path):
    cases = [
        ("scan", "--formt", "x"),  # click: no such option
        ("scan", str(tmp_path / "missing")),  # bad parameter
        ("scan", "--format", "nope", str(FAIL_CASE)),
        ("scan", str(FAIL_CASE), "--region", "eu-west-1"),  # usage error of cachelint
        ("explain", "CL999"),
        ("estimate", "--keys", "10", "--ttl", "0"),
        ("generate", "--layer", "cloudfront", "--engine", "redis", "--out", str(tmp_path / "g")),
        ("traffic", str(FAIL_CASE / "main.tf")),  # a user error raised deep in the code
    ]
    for args in cases:
        result = cachelint(*args)
        assert result.returncode == 2, args
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("cachelint: error: "), (args, lines)
        assert result.stdout == "", args


def test_generate_refuses_options_its_layer_does_not_use(tmp_path):
    refused = [("cloudfront", "--engine", "redis"),
               ("dax", "--cache-key", "method.request.path.id"),
               ("elasticache", "--ttl", "60"), ("apigateway", "--api-path-pattern", "/x/*"),
               ("dax", "--cache-size", "1.6")]
    for layer, flag, value in refused:
        result = cachelint("generate", "--layer", layer, flag, value, "--out",
                           str(tmp_path / layer))
        assert result.returncode == 2 and f"{flag} applies to --layer" in result.stderr, flag
        assert not (tmp_path / layer).exists()
    for args in (("--layer", "dax", "--engine", "redis"), ("--nodes", "3"),
                 ("--layer", "apigateway", "--nodes", "2")):
        result = cachelint("estimate", "--keys", "10", "--ttl", "60", *args)
        assert result.returncode == 2 and "applies to --layer" in result.stderr, args
    used = cachelint("generate", "--layer", "dax", "--ttl", "30", "--out", str(tmp_path / "dax"))
    assert used.returncode == 0, used.stderr
    assert "default     = 30" in (tmp_path / "dax" / "variables.tf").read_text()


def test_bash_completion_completes_commands_and_options():
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    script = ('eval "$(cachelint completion bash)"; '
              'COMP_WORDS=(cachelint sc); COMP_CWORD=1; _cachelint_completion cachelint; '
              'printf "%s\\n" "${COMPREPLY[@]}"; COMPREPLY=(); '
              'COMP_WORDS=(cachelint scan --show-s); COMP_CWORD=2; '
              '_cachelint_completion cachelint; printf "%s\\n" "${COMPREPLY[@]}"')
    result = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.stdout.split() == ["scan", "--show-source"], result.stderr
    for shell, marker in (("zsh", "compdef _cachelint_completion cachelint"),
                          ("fish", "complete --no-files --command cachelint")):
        out = cachelint("completion", shell)
        assert out.returncode == 0 and marker in out.stdout, shell


def test_estimate_prices_with_units_and_the_engine_generate_uses():
    result = cachelint("estimate", "--keys", "1000", "--ttl", "300", "--layer", "elasticache")
    assert result.returncode == 0, result.stderr
    prices = json.loads((ROOT / "cachelint" / "traffic" / "prices.json").read_text())
    hourly = prices["elasticache_node_per_hour"]["valkey"]["cache.t4g.small"]
    assert (f"cost: 1 ElastiCache valkey cache.t4g.small node (default size): ${hourly:.3f}/h, "
            f"about ${hourly * 730:,.2f}/month (USD") in result.stdout
    api = cachelint("estimate", "--keys", "10", "--ttl", "60", "--layer", "apigateway",
                    "--size", "1.6").stdout
    assert "cost: API Gateway cache 1.6 GB: $" in api
    dax = cachelint("estimate", "--keys", "10", "--ttl", "60", "--layer", "dax", "--nodes",
                    "3").stdout
    assert "cost: 3 DAX dax.t3.small nodes (default size): $" in dax
    generate_help = cachelint("generate", "--help").stdout
    estimate_help = cachelint("estimate", "--help").stdout
    default = re.compile(r"--engine \[[^\]]+\][^[]*\[default: (\w+)\]", re.S)
    assert default.search(generate_help)[1] == default.search(estimate_help)[1] == "valkey"


def test_init_writes_a_commented_config_and_a_baseline_and_never_overwrites(tmp_path):
    import shutil

    import yaml

    shutil.copytree(ROOT / "examples" / "shop", tmp_path / "infra")
    made = cachelint("init", "infra", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    config = (tmp_path / "infra" / ".cachelint.yaml").read_text()
    for layer in ("API Gateway:", "CloudFront:", "ElastiCache:", "DAX:"):
        assert re.search(rf"^#   {layer}\s+\d", config, re.M), layer
    data = yaml.safe_load(config)
    assert data["baseline"] == ".cachelint-baseline.json"
    assert data["strongly_consistent"] == [] and data["freshness"] == {}
    before = cachelint("scan", "infra", "--format", "json", "--baseline", "/dev/null",
                       cwd=tmp_path)  # an explicit --baseline wins (this one is not valid)
    assert before.returncode == 2 and "/dev/null" in before.stderr
    # The configuration's baseline leaves today's findings out; a new one still fails.
    clean = cachelint("scan", "infra", cwd=tmp_path)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert re.search(r"baseline \S+: \d+ known findings not reported", clean.stdout)
    (tmp_path / "infra" / "new.tf").write_text((FAIL_CASE / "main.tf").read_text())
    new = cachelint("scan", "infra", "--format", "concise", cwd=tmp_path)
    assert new.returncode == 1
    assert {m["file"] for m in matched(new.stdout)} == {"infra/new.tf"}
    # Never overwritten without --force; nothing is written when it refuses.
    (tmp_path / "infra" / ".cachelint.yaml").write_text("fail_on: high\n")
    again = cachelint("init", "infra", cwd=tmp_path)
    assert again.returncode == 2 and "exists; pass --force" in again.stderr
    assert (tmp_path / "infra" / ".cachelint.yaml").read_text() == "fail_on: high\n"
    forced = cachelint("init", "infra", "--force", "--no-baseline", cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert "baseline" not in yaml.safe_load((tmp_path / "infra" / ".cachelint.yaml").read_text())


def test_init_refuses_a_folder_configured_in_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.cachelint]\nfail_on = 'high'\n")
    result = cachelint("init", str(tmp_path))
    assert result.returncode == 2 and "[tool.cachelint]" in result.stderr
    assert not (tmp_path / ".cachelint.yaml").exists()


def test_stdin_finds_what_the_file_on_disk_finds_with_its_module_calls():
    """A root module calling ./modules/... and a module read alone: the buffer is evaluated in
    its repository's layout, so it reports exactly what scanning the saved file reports."""
    def findings(out: str) -> list:
        return sorted((f["rule_id"], f["location"]["path"], f["location"]["start_line"],
                       f["message"]) for f in json.loads(out)["findings"])

    for path in ("examples/shop/main.tf", "examples/shop/modules/api/main.tf"):
        disk = cachelint("scan", path, "--format", "json")
        buffer = cachelint("scan", "-", "--stdin-filename", path, "--format", "json",
                           stdin=(ROOT / path).read_text())
        assert buffer.returncode == disk.returncode == 1, buffer.stderr
        assert findings(buffer.stdout) == findings(disk.stdout) != []


def probe_writer(report, out, max_chars=None):
    out.write(f"{len(report.findings)} findings, cap {max_chars}\n")


def test_a_format_is_one_registry_line_and_gets_only_the_settings_it_takes(monkeypatch):
    import io

    from cachelint import reporters
    from cachelint.findings import Report

    monkeypatch.setitem(reporters.FORMATS, "probe", reporters.Format(__name__,
                                                                     function="probe_writer"))
    out = io.StringIO()
    reporters.write("probe", Report(), out, reporters.OutputOptions(), max_chars=10, other=1)
    assert out.getvalue() == "0 findings, cap 10\n"
    out = io.StringIO()
    reporters.write("json", Report(), out, reporters.OutputOptions(), max_chars=10)
    assert json.loads(out.getvalue())["findings"] == []
