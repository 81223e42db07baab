"""CloudFormation, SAM and CDK output (``cdk.out/*.template.json``) -> the normalized model.

Templates are recognised among other YAML/JSON files by their content: a Kubernetes manifest, a
workflow or a compose file is skipped silently, never reported as an error.
"""

from __future__ import annotations

import os
import re

from cachelint.errors import FileError
from cachelint.files import internal_error, read_text
from cachelint.loaders import registry
from cachelint.loaders.cloudformation.evaluate import Template
from cachelint.loaders.cloudformation.mapping import CfnResource
from cachelint.loaders.cloudformation.template import (
    CfnDict, TemplateError, is_template, looks_like_template, parse_template,
)
from cachelint.loaders.discovery import Walk, has_template_syntax, walk
from cachelint.model import Inventory, SourceKind
from cachelint.suppressions import Directive, parse_comment

SUFFIXES = (".yaml", ".yml", ".json", ".template")
# Every YAML comment: cachelint marks, and what the author says a resource is for (CL301).
_COMMENT = re.compile(r"(?:^|\s)#(.*)$")


def is_candidate(name: str) -> bool:
    lower = name.lower()
    return lower.endswith(SUFFIXES) and not lower.endswith((".tf.json", ".tfvars.json"))


def candidate_files(paths: list[str], found: Walk | None = None) -> list[str]:
    """The YAML/JSON files discovery keeps (see loaders/discovery.py); regular files only: a
    FIFO named like a template would block the scan."""
    found = found or walk(paths)
    return [p for p in found.files if is_candidate(os.path.basename(p)) and os.path.isfile(p)]


def load_cloudformation(paths: list[str], overrides: dict[str, str] | None = None,
                        display_base: str | None = None, found: Walk | None = None,
                        code: bool = False) -> Inventory:
    """``code``: the scan holds application code, so functions and tasks are read too."""
    base = os.path.abspath(display_base or os.getcwd())
    inventory = Inventory()
    declared: set[str] = set()  # parameters of every template read
    for path in candidate_files(paths, found):
        rel = os.path.relpath(os.path.abspath(path), base)
        display = path if rel.startswith("..") else rel
        try:
            text = read_text(path)
        except (ValueError, OSError) as exc:
            # A file that cannot be opened might be a template: say so. One that is binary
            # or not UTF-8 is only reported where its name says it is a template.
            if isinstance(exc, OSError) or _looks_like_template_file(path):
                message = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
                inventory.errors.append(FileError(display, message))
            continue
        if not looks_like_template(text):
            continue
        try:
            data, warnings = parse_template(text)
        except TemplateError as exc:
            if has_template_syntax(path):  # a Jinja or Go template of a template
                inventory.templates.append(display)
                continue
            inventory.errors.append(FileError(display, str(exc)))
            inventory.files += 1
            continue
        if not is_template(data):
            continue
        inventory.files += 1
        # What CloudFormation accepts but a careful author would not write (a duplicated key,
        # aliases the SAM CLI expands): read as AWS reads it, and said.
        inventory.notes.extend(f"{display}: warning: {w}" for w in warnings)
        parameters = data.get("Parameters")
        declared.update(str(k) for k in (parameters if isinstance(parameters, dict) else ()))
        inventory.directives.extend(_directives(data, display, text))
        try:
            resources = _resources(data, display, overrides or {}, text, path)
            mapped = registry.read(SourceKind.CLOUDFORMATION, resources, inventory, code=code)
        except Exception as exc:  # noqa: BLE001 - one template must not stop the scan
            inventory.errors.append(FileError(display, internal_error(exc)))
            continue
        inventory.resources.extend(mapped)
    inventory.undeclared = {("parameter", name) for name in overrides or {}
                            if name not in declared}
    return inventory


def _looks_like_template_file(path: str) -> bool:
    return path.lower().endswith((".template", ".template.json", ".template.yaml"))


def _directives(data: CfnDict, display: str, text: str) -> list[Directive]:
    """``# cachelint:ignore`` comments (YAML) and ``Metadata: {cachelint: {ignore: [...]}}``."""
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        m = _COMMENT.search(line)
        if m:
            directive = parse_comment(display, number, m.group(1))
            if directive is not None:
                out.append(directive)
    resources = data.get("Resources")
    for logical, raw in (resources.items() if isinstance(resources, dict) else []):
        meta = raw.get("Metadata") if isinstance(raw, dict) else None
        declared = meta.get("cachelint") if isinstance(meta, dict) else None
        ignores = declared.get("ignore") if isinstance(declared, dict) else None
        start = resources.lines(logical)[0] if isinstance(resources, CfnDict) else 1
        for entry in ignores if isinstance(ignores, list) else []:
            if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                out.append(Directive(display, start, (entry["id"],),
                                     str(entry.get("reason") or "").strip(),
                                     address=str(logical), kind="external"))
    return out


def _resources(data: CfnDict, display: str, overrides: dict[str, str],
               text: str, path: str) -> list[CfnResource]:
    template = Template(data, overrides)
    template.file = path  # where files it includes (OpenAPI definitions) are read from
    comments = [(i, m.group(1)) for i, line in enumerate(text.splitlines(), start=1)
                for m in [_COMMENT.search(line)] if m]
    out = []
    # Per condition false at the defaults: the template under parameter values that make it
    # hold, and how messages say so (None where no allowed values do); shared by its resources.
    under: dict[str, tuple[Template, str] | None] = {}
    for logical, raw in template.resources.items():
        if not isinstance(raw, dict) or not isinstance(raw.get("Type"), str):
            continue
        owner, assumes = template, ""
        if template.resource_exists(raw) is False:
            # Its Condition is false at the parameters' defaults: the resource is created only
            # under other values, so it is read under values that create it, and every message
            # says so. One that no allowed values create is not read.
            cond = raw.get("Condition")
            if not isinstance(cond, str):
                continue  # no condition names it: no values are known to create it
            if cond not in under:
                assignment = template.satisfying(cond)
                under[cond] = None
                if assignment is not None:
                    other = Template(data, {**overrides, **assignment})
                    other.file = path
                    under[cond] = (other, template.describe(assignment, cond))
            if under[cond] is None:
                continue
            owner, assumes = under[cond]
        props = owner.value(raw.get("Properties") or CfnDict())
        if not isinstance(props, dict):
            props = CfnDict()
        resources = template.resources
        start, end = resources.lines(logical) if isinstance(resources, CfnDict) else (
            getattr(raw, "line", 1), getattr(raw, "end_line", 1))
        out.append(CfnResource(
            logical_id=str(logical), type=raw["Type"], props=props, raw=raw, path=display,
            template=owner, comments=[c for c in comments if start <= c[0] <= end],
            line=start, end_line=end, assumes=assumes))
    return out
