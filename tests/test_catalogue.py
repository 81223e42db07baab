"""The rule catalogue is the one registry: schema-validated, unique, and every check resolves."""

from __future__ import annotations

import copy
import re

import pytest
import yaml

from cachelint import conditions
from cachelint.catalogue import CatalogueError, load_catalogue, parse_rule
from cachelint.model import KINDS
from cachelint.values import UNKNOWN

RULES = load_catalogue()
BASE = {
    "id": "CL900", "name": "some-anti-pattern", "category": "cost", "severity": "low",
    "layer": "dax", "applies_to": ["dax.cluster"], "summary": "A summary of the rule.",
    "message": "A message for {name}.", "rationale": "Why it hurts, with the AWS fact.",
    "remediation": "How to fix it.", "references": ["https://docs.aws.amazon.com/x"],
    "condition": {"field": "replication_factor", "lt": 3},
}


def test_ids_and_names_are_unique():
    assert len({r.id for r in RULES}) == len(RULES)
    assert len({r.name for r in RULES}) == len(RULES)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_is_complete_and_resolvable(rule):
    # Meta rules about suppressions are reported by the scan itself, without a check.
    assert rule.condition is not None or rule.check or rule.meta
    if rule.check:
        assert callable(rule.check_function)
    for kind in rule.applies_to:
        assert kind == "inventory" or kind in KINDS


def test_the_base_rule_parses():
    assert parse_rule(BASE, "test").id == "CL900"


@pytest.mark.parametrize("change, message", [
    ({"id": "X100"}, "id"),
    ({"name": "NotKebab"}, "name"),
    ({"category": "speed"}, "category"),
    ({"severity": "urgent"}, "severity"),
    ({"check": "cachelint.checks.dax.x"}, "(top)"),
    ({"condition": {"field": "ttl", "matches": 3}}, "condition"),
    ({"applies_to": ["dax.nothing"]}, "unknown model kind"),
    ({"references": []}, "references"),
])
def test_invalid_rules_are_rejected_with_the_place(change, message):
    data = copy.deepcopy(BASE)
    data.update(change)
    with pytest.raises(CatalogueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_rule(data, "rules/test.yaml")


class Subject:
    ttl = UNKNOWN
    on = True
    off = False
    size = 5


@pytest.mark.parametrize("cond, expected", [
    ({"field": "on", "eq": True}, True),
    ({"field": "ttl", "eq": 0}, UNKNOWN),
    ({"all": [{"field": "off", "eq": True}, {"field": "ttl", "eq": 0}]}, False),
    ({"all": [{"field": "on", "eq": True}, {"field": "ttl", "eq": 0}]}, UNKNOWN),
    ({"any": [{"field": "on", "eq": True}, {"field": "ttl", "eq": 0}]}, True),
    ({"any": [{"field": "off", "eq": True}, {"field": "ttl", "eq": 0}]}, UNKNOWN),
    ({"not": {"field": "ttl", "eq": 0}}, UNKNOWN),
    ({"field": "size", "lt": 3}, False),
    ({"field": "size", "in": [5, 6]}, True),
])
def test_conditions_use_three_valued_logic(cond, expected):
    assert conditions.evaluate(cond, Subject()) is expected


def test_every_package_ships_in_the_wheel():
    """pyproject.toml lists packages explicitly (rules/ and templates/ are mapped in)."""
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    listed = set(tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]
                 ["packages"])
    on_disk = {".".join(p.parent.relative_to(root).parts)
               for p in (root / "cachelint").rglob("__init__.py")}
    assert on_disk <= listed


def test_the_readme_rule_table_is_the_catalogue():
    from pathlib import Path

    names = {"terraform": "Terraform", "cloudformation": "CloudFormation", "aws": "AWS",
             "python": "Python", "javascript": "JavaScript", "java": "Java", "go": "Go"}
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    rows = {line for line in readme.splitlines() if line.startswith("| CL")}
    for r in load_catalogue():
        assert (f"| {r.id} | {r.name} | {r.category.value} | {r.severity.label} | "
                f"{', '.join(names[s] for s in r.sources)} |") in rows, r.id


class _CfnTags(yaml.SafeLoader):
    """YAML as CloudFormation writes it: short-form intrinsics (!Ref, !Sub) are plain values."""


_CfnTags.add_multi_constructor("!", lambda loader, suffix, node: None)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_every_rule_has_a_fix_hint_in_each_of_its_sources_syntax(rule):
    for source in rule.sources:
        hint = rule.fix_hint(source)
        assert hint.strip(), f"{rule.id} has no fix_hint for {source}"
        if source == "cloudformation":
            # CloudFormation users get YAML, never Terraform's HCL.
            assert 'resource "aws_' not in hint and not re.search(r"^\s*\w+\s+=\s", hint, re.M)
            yaml.load(hint, Loader=_CfnTags)
        if source == "aws":
            assert "resource \"aws_" not in hint and "Type: AWS::" not in hint


def test_a_finding_shows_the_fix_of_its_own_source():
    from pathlib import Path

    from cachelint.config import Config
    from cachelint.scan import ScanOptions, run_scan

    folder = Path(__file__).parent / "rules" / "CL305"
    seen = {}
    for source, target in (("terraform", "terraform/fail"),
                           ("cloudformation", "cloudformation/fail"),
                           ("aws", "aws/fail/account.json")):
        report = run_scan(ScanOptions(paths=(str(folder / target),), config=Config()))
        finding = next(f for f in report.findings if f.rule.id == "CL305")
        assert finding.source == source
        seen[source] = finding.fix_hint
    assert "transit_encryption_enabled = true" in seen["terraform"]
    assert "TransitEncryptionEnabled: true" in seen["cloudformation"]
    assert seen["aws"].startswith("aws elasticache modify-replication-group")


def test_explain_shows_the_fix_for_each_source():
    from cachelint.catalogue import find_rule
    from cachelint.explain import render_markdown

    page = render_markdown(find_rule("CL207"))
    for title, snippet in (("Terraform:", "cache_policy_id"),
                           ("CloudFormation/SAM:", "CachePolicyId:"),
                           ("Live AWS (console or CLI):", "CloudFront console")):
        assert title in page and snippet in page.split(title, 1)[1]
    assert "CloudFormation/SAM:" not in render_markdown(find_rule("CL105"))  # not a CFN rule


def test_fix_example_is_read_as_the_terraform_hint():
    data = copy.deepcopy(BASE)
    data["fix_example"] = "replication_factor = 3\n"
    data["fix_hint"] = {"cloudformation": "ReplicationFactor: 3\n"}
    rule = parse_rule(data, "test")
    assert rule.fix_hint("terraform") == "replication_factor = 3"
    assert rule.fix_hint("cloudformation") == "ReplicationFactor: 3"
    assert rule.fix_hint("aws") == ""
    data["fix_hint"] = {"pulumi": "x"}
    with pytest.raises(CatalogueError, match="fix_hint"):
        parse_rule(data, "test")


def test_thresholds_are_declared_by_rules_and_configurable_by_the_same_names():
    """A threshold's default lives in its rule's catalogue entry; the configuration schema
    accepts exactly the thresholds the catalogue declares, and Config reads the defaults."""
    import json
    from importlib import resources

    from cachelint.catalogue import threshold_defaults
    from cachelint.config import Config

    schema = json.loads(resources.files("cachelint.schemas").joinpath("config.schema.json")
                        .read_text("utf-8"))
    defaults = threshold_defaults()
    assert set(schema["properties"]["thresholds"]["properties"]) == set(defaults)
    assert Config().threshold("dax_min_nodes") == defaults["dax_min_nodes"] == 3
    assert Config(thresholds=(("dax_min_nodes", 2),)).threshold("dax_min_nodes") == 2
    declared = {name for r in RULES for name, _, _ in r.thresholds}
    assert {name for r in RULES for name in r.reads} <= declared


@pytest.mark.parametrize("rules, message", [
    ([{"thresholds": {"x_min": {"default": 1, "description": "the fewest x"}}}] * 2,
     "already declared by"),
    ([{"reads": ["y_min"]}], "which no rule declares"),
])
def test_a_threshold_is_declared_once_and_read_only_when_declared(rules, message):
    from cachelint.catalogue import _check_thresholds

    parsed = [parse_rule({**BASE, "id": f"CL90{i}", "name": f"some-rule-{i}", **extra}, "x")
              for i, extra in enumerate(rules)]
    with pytest.raises(CatalogueError, match=message):
        _check_thresholds(parsed)


def test_every_layer_is_registered_once_with_its_rules_and_module_template():
    """A layer is model.Layer, a rules/<layer>.yaml, a templates/<layer>/ and one entry in
    cachelint/layers.py, whose rule prefix (CLnxx) only that layer's rules use."""
    from pathlib import Path

    from cachelint.layers import LAYERS
    from cachelint.model import Layer

    root = Path(__file__).resolve().parent.parent
    assert set(LAYERS) == {layer.value for layer in Layer}
    for name, spec in LAYERS.items():
        assert (root / "rules" / f"{name}.yaml").is_file()
        assert (root / "templates" / name).is_dir()
        layers = {r.layer for r in RULES if r.id.startswith(spec.rule_prefix)}
        assert layers == {name}, (name, layers)
