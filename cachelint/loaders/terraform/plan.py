"""Terraform plan JSON (``terraform show -json PLANFILE``, format_version 1.x) -> the model.

A plan has variables, modules and ``count``/``for_each`` already resolved. Its resources become
the same :class:`TfResource` records the HCL loader produces, so the same mappers and rules run
on them. Values unknown until apply (``after_unknown``) are UNKNOWN, or a :class:`Symbol` when
the configuration says which resource they come from. Findings point into the configuration
(``.tf`` files) when it is available, else into the plan file itself.
"""

from __future__ import annotations

import os
import re
from typing import Any

from cachelint.loaders.cloudformation.template import CfnDict, TemplateError, parse_template_text
from cachelint.loaders.terraform.hcl import parse_expression
from cachelint.loaders.terraform.module import EvalBody, SourceSpan, TfResource
from cachelint.errors import FileError
from cachelint.files import read_text
from cachelint.loaders.terraform.project import TerraformProject
from cachelint.loaders.terraform.syntax import TupleExpr
from cachelint.values import UNKNOWN, Symbol

MAX_PLAN_BYTES = 200 * 1024 * 1024
_REF = re.compile(r"^((?:module\.[A-Za-z0-9_-]+(?:\[[^\]]+\])?\.)*(?:data\.)?"
                  r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+(?:\[[^\]]+\])?)(?:\.(.+))?$")


def is_plan_file(path: str) -> bool:
    if not path.lower().endswith(".json") or not os.path.isfile(path):
        return False
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096).decode("utf-8", "replace")
    except OSError:
        return False
    return '"format_version"' in head and ('"planned_values"' in head or
                                           '"resource_changes"' in head or
                                           '"terraform_version"' in head)


def load_plan(path: str, display: str, config_dirs: list[str], relevant: set[str],
              display_base: str) -> tuple[list[TfResource], list[FileError]]:
    size = os.path.getsize(path)
    if size > MAX_PLAN_BYTES:
        return [], [FileError(display, f"plan is {size // 1024 // 1024} MiB, over the limit")]
    try:
        data = parse_template_text(read_text_any(path))
    except (TemplateError, ValueError, OSError) as exc:
        return [], [FileError(display, f"invalid plan JSON: {exc}")]
    if not isinstance(data, dict):
        return [], [FileError(display, "a plan must be a JSON object")]
    version = str(data.get("format_version", ""))
    if not version.startswith("1."):
        return [], [FileError(display, f"unsupported plan format_version {version!r} "
                                       "(cachelint reads 1.x)")]
    config = _ConfigIndex(data.get("configuration"))
    spans = _config_spans(config_dirs, relevant, display_base)
    unknown = {rc.get("address"): (rc.get("change") or {}).get("after_unknown") or {}
               for rc in data.get("resource_changes") or [] if isinstance(rc, dict)}
    out: list[TfResource] = []
    planned = data.get("planned_values") or {}
    for res, module in _walk(planned.get("root_module") or {}, ""):
        rtype = res.get("type")
        if rtype not in relevant or not isinstance(res.get("address"), str):
            continue
        address = res["address"]
        values = res.get("values") if isinstance(res.get("values"), dict) else CfnDict()
        refs = config.references(module, res.get("mode"), rtype, res.get("name"))
        template = spans.get(address) or spans.get(_strip_index(address))
        body = _body(values, unknown.get(address) or {}, refs, module, display, template)
        out.append(TfResource(address, res.get("mode", "managed"), rtype, res.get("name", ""),
                              module, body, (), display))
    return out, []


def read_text_any(path: str) -> str:
    if os.path.getsize(path) > 5 * 1024 * 1024:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    return read_text(path)


def _walk(module: dict, prefix: str):
    for res in module.get("resources") or []:
        if isinstance(res, dict):
            yield res, module.get("address", prefix) or ""
    for child in module.get("child_modules") or []:
        if isinstance(child, dict):
            yield from _walk(child, child.get("address", ""))


def _strip_index(address: str) -> str:
    return re.sub(r"\[[^\]]*\]", "", address)


def _symbol(ref: str, module: str) -> Any:
    m = _REF.match(ref)
    if not m:
        return UNKNOWN
    target = m.group(1)
    if target.startswith(("var.", "local.", "each.", "count.", "path.")):
        return UNKNOWN
    prefix = f"{module}." if module and not target.startswith("module.") else ""
    return Symbol(prefix + target, m.group(2) or "id")


def _body(values: dict, unknown: Any, refs: dict, module: str, display: str,
          template: EvalBody | None) -> EvalBody:
    line = getattr(values, "line", 1)
    span = template.span if template else SourceSpan(display, line, getattr(values, "end_line",
                                                                             line))
    out = EvalBody(span)
    names = set(values) | {k for k, v in (unknown.items() if isinstance(unknown, dict) else [])
                           if v is True}
    for name in names:
        value = values.get(name)
        is_unknown = isinstance(unknown, dict) and unknown.get(name) is True
        attr_refs = refs.get(name) if isinstance(refs, dict) else None
        ref_list = attr_refs.get("references") if isinstance(attr_refs, dict) else None
        if ref_list:
            out.exprs[name] = TupleExpr(tuple(parse_expression(r) for r in ref_list))
        if is_unknown:
            symbol = _symbol(ref_list[0], module) if ref_list else UNKNOWN
            out.values[name] = symbol
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value) \
                and name not in ("tags", "tags_all"):
            inner_unknown = unknown.get(name) if isinstance(unknown, dict) else None
            inner_refs = refs.get(name) if isinstance(refs, dict) else None
            blocks = []
            for i, item in enumerate(value):
                u = inner_unknown[i] if isinstance(inner_unknown, list) and \
                    i < len(inner_unknown) else {}
                r = inner_refs[i] if isinstance(inner_refs, list) and i < len(inner_refs) \
                    else {}
                t = template.all(name)[i] if template and i < len(template.all(name)) else None
                blocks.append(_body(item, u, r, module, display, t))
            out.blocks[name] = blocks
            out.values[name] = value
        else:
            out.values[name] = value
        if template is not None and name in template.origins:
            out.origins[name] = template.origins[name]
        elif isinstance(values, CfnDict) and name in values.key_lines:
            start, end = values.key_lines[name]
            out.origins[name] = SourceSpan(display, start, end)
    return out


class _ConfigIndex:
    """The plan's ``configuration`` section: expressions (and their references) per resource."""

    def __init__(self, configuration: Any):
        self.by_key: dict[tuple, dict] = {}
        root = configuration.get("root_module") if isinstance(configuration, dict) else None
        if isinstance(root, dict):
            self._index(root, "")

    def _index(self, module: dict, prefix: str) -> None:
        for res in module.get("resources") or []:
            if isinstance(res, dict):
                key = (prefix, res.get("mode"), res.get("type"), res.get("name"))
                self.by_key[key] = res.get("expressions") or {}
        for name, call in (module.get("module_calls") or {}).items():
            if isinstance(call, dict) and isinstance(call.get("module"), dict):
                self._index(call["module"], f"{prefix}.module.{name}".lstrip("."))

    def references(self, module: str, mode: Any, rtype: Any, name: Any) -> dict:
        return self.by_key.get((_strip_index(module), mode, rtype, name), {})


def _config_spans(config_dirs: list[str], relevant: set[str],
                  display_base: str) -> dict[str, EvalBody]:
    """Where each resource's arguments are written in the configuration, by address."""
    if not config_dirs:
        return {}
    project = TerraformProject(config_dirs[0], relevant, display_base=display_base)
    result = project.load(config_dirs)
    out: dict[str, EvalBody] = {}
    for res in result.resources:
        out.setdefault(res.address, res.body)
        out.setdefault(_strip_index(res.address), res.body)
    return out
