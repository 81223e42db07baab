"""Run cachelint's own rules inside checkov (``cachelint export checkov DIR``).

Exported check files are three lines that call :func:`make_check`: the rule's logic is not
rewritten for checkov, it is cachelint's catalogue, model and mappers, fed with checkov's parsed
resource. That needs cachelint importable in checkov's environment without its dependencies
(python-hcl2 would replace checkov's own ``hcl2`` module): ``pip install --no-deps cachelint``.

Only rules that can be decided from one resource are exported; the others need several
resources, a configuration or traffic evidence, which a checkov resource check never sees.
"""

from __future__ import annotations

import re
from typing import Any

from cachelint import __version__, conditions
from cachelint.catalogue import Rule, find_rule
from cachelint.config import Config
from cachelint.engine import Context
from cachelint.loaders import registry
from cachelint.loaders.terraform.module import EvalBody, SourceSpan, TfResource
from cachelint.model import KINDS, Inventory, SourceKind
from cachelint.values import UNKNOWN, Symbol

# Model kind -> the Terraform resource types it is built from, one resource at a time.
SINGLE_RESOURCE_KINDS = {
    "dax.cluster": ("aws_dax_cluster",),
    "dax.parameter-group": ("aws_dax_parameter_group",),
    "elasticache.cache": ("aws_elasticache_replication_group", "aws_elasticache_cluster",
                          "aws_elasticache_serverless_cache"),
    "elasticache.parameter-group": ("aws_elasticache_parameter_group",),
    "apigateway.method-settings": ("aws_api_gateway_method_settings",),
    "cloudfront.behavior": ("aws_cloudfront_distribution",),
}
# Rules of those kinds that still need another resource, and why.
NEEDS_OTHER_RESOURCES = {
    "CL103": "needs the methods the entry governs and their integrations, to know whether "
             "their cache key holds a request-body field",
    "CL107": "needs the stage, to know whether it has a cache cluster",
    "CL110": "needs every method of the API, to know that an entry names none of them",
    "CL301": "needs the caches that use the group and the configuration's stores, to tell a "
             "cache from a job queue",
    "CL402": "needs the parameter group the cluster names",
    "CL406": "needs the cluster's IAM role, its policies and the tables they name",
}
_READERS = {t: r for r in registry.readers(SourceKind.TERRAFORM)
            for kind, types in SINGLE_RESOURCE_KINDS.items() for t in types if t in r.types}
_REFERENCE = re.compile(r"^((?:module\.[\w-]+\.)*(?:data\.)?aws_[a-z0-9_]+\.[\w-]+(?:\[[^\]]*\])?)"
                        r"\.([\w.]+)$")


def exportable(rule: Rule) -> str | None:
    """None if the rule can run as a checkov resource check, else why not."""
    if rule.meta:
        return "reports on files and suppressions, not on resources"
    if "terraform" not in rule.sources:
        return "needs traffic evidence from a live scan (CloudWatch), which Terraform lacks"
    if rule.id in NEEDS_OTHER_RESOURCES:
        return NEEDS_OTHER_RESOURCES[rule.id]
    if any(kind not in SINGLE_RESOURCE_KINDS for kind in rule.applies_to):
        return "needs several resources, the configuration's declarations or traffic evidence"
    return None


def export_files(rules: list[Rule]) -> tuple[dict[str, str], int, int]:
    """The files of ``cachelint export checkov``: one check per exportable rule, the package's
    ``__init__.py`` and NOT_EXPORTED.md saying why each other rule is not; with the numbers
    of rules exported and not."""
    files: dict[str, str] = {}
    skipped = []
    for rule in rules:
        why = exportable(rule)
        if why:
            skipped.append((rule, why))
            continue
        files[f"{rule.id}_{rule.name.replace('-', '_')}.py"] = (
            f"# cachelint {rule.id} {rule.name}, exported by `cachelint export checkov`.\n"
            f"# It runs cachelint's own rule: cachelint must be importable in checkov's\n"
            f"# environment, without its dependencies: pip install --no-deps "
            f"cachelint=={__version__}\n"
            "from cachelint.checkov_bridge import make_check\n\n"
            f'check = make_check("{rule.id}")\n')
    exported = len(files)
    files["__init__.py"] = "# checkov imports the checks of this folder as a package.\n"
    files["NOT_EXPORTED.md"] = (
        "# cachelint rules not exported to checkov\n\nA checkov resource check sees one "
        "resource; these rules need more.\n\n| rule | why |\n|---|---|\n" +
        "".join(f"| {r.id} {r.name} | {why} |\n" for r, why in skipped))
    return files, exported, len(skipped)


def terraform_types(rule: Rule) -> list[str]:
    return sorted({t for kind in rule.applies_to for t in SINGLE_RESOURCE_KINDS[kind]})


def _value(value: Any) -> Any:
    """checkov's rendered value -> cachelint's: unresolved expressions are unknown, references
    to resources are symbols (they still name the resource)."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("${") and text.endswith("}") and text.count("${") == 1:
            text = text[2:-1].strip()
        match = _REFERENCE.match(text)
        if match:
            return Symbol(match.group(1), match.group(2))
        if "${" in text or re.match(r"^(var|local|module|each|count|data)\.", text):
            return UNKNOWN
        return value
    if isinstance(value, list):
        return [_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _value(v) for k, v in value.items()}
    return value


def body_from_conf(conf: dict, path: str = "checkov") -> EvalBody:
    body = EvalBody(SourceSpan(path, int(conf.get("__start_line__", 1) or 1),
                               int(conf.get("__end_line__", 1) or 1)))
    for key, raw in conf.items():
        if key.startswith("__") or key in ("count", "for_each", "depends_on", "lifecycle",
                                           "provider", "dynamic"):
            continue
        if isinstance(raw, list) and raw and all(isinstance(v, dict) for v in raw):
            body.blocks[key] = [body_from_conf(v, path) for v in raw]
            body.values[key] = _value(raw)
            continue
        value = raw[0] if isinstance(raw, list) and len(raw) == 1 else raw
        body.values[key] = _value(value)
    return body


def evaluate_rule(rule: Rule, resource_type: str, conf: dict) -> Any:
    """True (the rule fires), False, or UNKNOWN, for one checkov resource."""
    address = str(conf.get("__address__") or f"{resource_type}.resource")
    name = address.rsplit(".", 1)[-1]
    res = TfResource(address, "managed", resource_type, name, "", body_from_conf(conf), (), "")
    inventory = Inventory()
    inventory.resources = _READERS[resource_type].read([res], inventory)
    ctx = Context(inventory, Config())
    outcome: Any = False
    for kind in rule.applies_to:
        for model in inventory.of(KINDS[kind]):
            if rule.check is not None:
                if any(True for _ in rule.check_function(model, ctx)):
                    return True
                continue
            result = conditions.evaluate(rule.condition, model)
            if result is True:
                return True
            if result is UNKNOWN:
                outcome = UNKNOWN
    return outcome


def make_check(rule_id: str):
    """A checkov resource check object for a cachelint rule (call it from an exported file)."""
    from checkov.common.bridgecrew.severities import get_severity
    from checkov.common.models.enums import CheckCategories, CheckResult
    from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

    rule = find_rule(rule_id)
    if rule is None or exportable(rule) is not None:
        raise ValueError(f"{rule_id} cannot run inside checkov")
    category = CheckCategories.ENCRYPTION if rule.category.value == "encryption" else (
        CheckCategories.BACKUP_AND_RECOVERY if rule.category.value == "availability"
        else CheckCategories.GENERAL_SECURITY)

    class CachelintCheck(BaseResourceCheck):
        def __init__(self) -> None:
            super().__init__(name=f"{rule.name}: {rule.summary}", id=rule.id,
                             categories=[category], supported_resources=terraform_types(rule),
                             guideline=rule.references[0])
            self.severity = get_severity(rule.severity.label)  # shown in checkov's reports

        def scan_resource_conf(self, conf: dict) -> Any:
            result = evaluate_rule(rule, self.entity_type, conf)
            if result is True:
                return CheckResult.FAILED
            return CheckResult.UNKNOWN if result is UNKNOWN else CheckResult.PASSED

    CachelintCheck.__name__ = f"Cachelint{rule.id}"
    return CachelintCheck()
