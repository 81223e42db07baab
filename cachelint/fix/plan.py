"""From a finding to the edits that fix it, following the rule's ``fix:`` entry.

The edit goes where the value is written: the finding's field location (a ``.tfvars`` line, a
module argument, the attribute itself) or, for ``var.x`` / ``!Ref X``, the variable's or
parameter's default. A value that is computed is never guessed at: the fix is refused, with
the expression that decides it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from cachelint.config import Config
from cachelint.findings import Finding
from cachelint.fix.document import NOT_LITERAL, Assignment, Container, DocumentError, Edit
from cachelint.fix.hcldoc import HclDocument
from cachelint.fix.yamldoc import YamlDocument
from cachelint.model import (
    ApiMethod, ApiMethodSettings, ApiStage, CacheBehavior, CachePolicy, DaxCluster, Inventory,
    Resource,
)


class Refusal(Exception):
    """The fix cannot be made safely here; the message says why."""


@dataclass
class Change:
    """One finding's fix: its edits per file and a line saying what it does."""

    edits: dict[str, list[Edit]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    unsafe_here: str = ""  # a safe rule's fix that is not safe in this instance, and why

    def add(self, path: str, edits: list[Edit], note: str) -> None:
        if edits:
            self.edits.setdefault(path, []).extend(edits)
        if note:
            self.notes.append(note)


@dataclass
class FixContext:
    inventory: Inventory
    config: Config
    ttl: int | None = None  # --ttl
    variables: dict = field(default_factory=dict)  # --var: a default is then not the value
    parameters: dict = field(default_factory=dict)  # --parameter-overrides
    var_files: tuple = ()  # --var-file and the configuration's var_files
    documents: dict = field(default_factory=dict)

    def document(self, path: str):
        path = os.path.normpath(path)  # one document per file, however its path is spelled
        if path not in self.documents:
            self.documents[path] = open_document(path)
        return self.documents[path]


def open_document(path: str):
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        raise Refusal(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Refusal(f"{path} is not UTF-8 text") from None
    name = path.lower()
    try:
        if name.endswith((".tf", ".tfvars")):
            return HclDocument(path, text)
        return YamlDocument(path, text, json_syntax=name.endswith(".json")
                            or text.lstrip().startswith("{"))
    except DocumentError as exc:
        raise Refusal(f"{path} cannot be edited: {exc}") from None


def source_kind(resource: Resource) -> str:
    """terraform or cloudformation: the syntax of the file a fix edits."""
    return resource.source.kind.value


# --- values ---------------------------------------------------------------------------------------


def _freshness(resource: Resource, ctx: FixContext) -> tuple[float | None, str]:
    """The configuration's freshness bound for what the resource serves, and its route."""
    candidates: list[str] = []
    if isinstance(resource, ApiMethodSettings):
        for m in ctx.inventory.of(ApiMethod):
            s = m.settings
            if s is not None and s.source.address == resource.source.address and \
                    isinstance(m.resource_path, str):
                candidates += [m.route, m.resource_path]
    elif isinstance(resource, CacheBehavior) and isinstance(resource.path_pattern, str):
        candidates.append(resource.path_pattern)
    bounds = [(ctx.config.max_ttl(c), c) for c in candidates]
    bounds = [(b, c) for b, c in bounds if b is not None]
    if not bounds:
        return None, ""
    return min(bounds)


def resolve(spec: Any, current: Any, name: str, resource: Resource, ctx: FixContext,
            change: Change) -> Any:
    """The value a fix writes, from its ``fix:`` spec; notes say where a TTL came from."""
    if not isinstance(spec, dict):
        return spec
    if "by_name" in spec:
        if name not in spec["by_name"]:
            raise Refusal(f"no fix value for {name}")
        return resolve(spec["by_name"][name], current, name, resource, ctx, change)
    if "constant" in spec:
        return _number(spec["constant"])
    if "at_least" in spec:
        low = _number(spec["at_least"])
        ok = isinstance(current, int) and not isinstance(current, bool) and current >= low
        return current if ok else low
    if "map" in spec:
        if current not in spec["map"]:
            raise Refusal(f"no fix for the value {current!r}")
        return spec["map"][current]
    if "threshold" in spec:
        value = ctx.config.threshold(spec["threshold"])
        return int(value) if float(value).is_integer() else value
    if "clamp" in spec:
        low, high = (_number(v) for v in spec["clamp"])
        if isinstance(current, (int, float)) and not isinstance(current, bool):
            if current > high:
                change.notes.append(f"{high}: the largest value AWS accepts")
                return high
            if current >= low:
                return current
        spec = {k: v for k, v in spec.items() if k != "clamp"}
    if "ttl" in spec or "ttl_millis" in spec:
        millis = "ttl_millis" in spec
        default = _number(spec.get("ttl_millis", spec.get("ttl")))
        scale = 1000 if millis else 1
        if ctx.ttl is not None:
            value, why = ctx.ttl * scale, f"--ttl {ctx.ttl}"
        else:
            bound, route = _freshness(resource, ctx)
            if bound is not None:
                value = int(bound) * scale
                why = f"the configuration's freshness for {route} ({bound:g} s)"
            else:
                value, why = default, "the rule's default"
        limit = _number(spec.get("max"))
        if limit is not None and value > limit:
            value, why = limit, why + f", capped at {limit}"
        change.notes.append(f"TTL {value}{' ms' if millis else ' s'} from {why}")
        if spec.get("aws_default") and value != default:
            change.unsafe_here = (f"the TTL written ({value}) differs from AWS's default "
                                  f"({default}), so it changes what is cached")
        return value
    raise Refusal(f"unknown fix value {spec!r}")


def _number(value: Any) -> Any:
    """A number, or the name of the AWS fact in cachelint.model that holds it (one place)."""
    if isinstance(value, str):
        from cachelint import model

        return getattr(model, value)
    return value


def _coerce(new: Any, old: Any) -> Any:
    """Keep the type the file wrote: a string stays a string (DAX parameter values are)."""
    if isinstance(old, str) and not isinstance(new, str):
        return ("true" if new else "false") if isinstance(new, bool) else str(new)
    return new


# --- edits --------------------------------------------------------------------------------------


def _paths(entry: dict, kind: str) -> list[list[str]]:
    spec = entry.get(kind)
    if spec is None:
        raise Refusal(f"no {kind} fix for this rule")
    items = spec if isinstance(spec, list) else [spec]
    return [p.split(".") for p in items]


def _where(resource: Resource, fieldname: str):
    return resource.source.fields.get(fieldname, resource.source.location)


def set_field(entry: dict, resource: Resource, ctx: FixContext, change: Change) -> None:
    """Make ``entry['field']`` of ``resource`` hold the entry's value."""
    kind = source_kind(resource)
    loc = _where(resource, entry["field"])
    doc = ctx.document(loc.path)
    paths = _paths(entry, kind)
    names = {p[-1] for p in paths}
    for name in names:
        a = doc.assignment_at(loc.start_line, name)
        if a is not None:
            _replace(doc, a, entry, resource, ctx, change)
            return
    block = doc.container_at(loc.start_line)
    if block is not None:
        _insert(doc, block, paths[0], entry, resource, ctx, change)
        return
    a = doc.assignment_at(loc.start_line)
    container = doc.container_of(a).name if a is not None and doc.kind == "hcl" else ""
    if container in ("module", "variable") or (a is not None and doc.kind == "hcl"
                                               and doc.path.endswith(".tfvars")):
        # The loader located the value where it is written: a .tfvars line, the caller's
        # module argument or a variable's default. When that holds a whole object, the
        # resource's own attribute leads to the member (var.api.ttl), as _origin follows it.
        if container == "variable" or isinstance(a.value, (dict, list)):
            ra, rdoc = _resource_attribute(resource, paths, ctx)
            if ra is not None:
                _replace(rdoc, ra, entry, resource, ctx, change)
                return
        if container == "variable":
            raise Refusal(f"{loc.path}:{loc.start_line}: the value is part of the variable's "
                          f"default ({a.expression}); no single literal of it decides the "
                          "setting")
        _replace(doc, a, entry, resource, ctx, change)
        return
    raise Refusal(f"nothing to edit at {loc.path}:{loc.start_line}")


def _resource_attribute(resource: Resource, paths: list[list[str]], ctx: FixContext):
    """The assignment of one of ``paths`` in the resource's own block, and its document."""
    rloc = resource.source.location
    if rloc.is_resource:
        return None, None
    rdoc = ctx.document(rloc.path)
    top = rdoc.container_at(rloc.start_line)
    for path in paths:
        node = top
        for part in path[:-1]:
            node = node.child(part) if node is not None else None
        found = node.assignment(path[-1]) if node is not None else None
        if found is not None:
            return found, rdoc
    return None, None


def _replace(doc, a: Assignment, entry: dict, resource: Resource, ctx: FixContext,
             change: Change, depth: int = 0) -> None:
    if a.value is NOT_LITERAL:
        target = _origin(doc, a, ctx, resource.source.root)
        if target is None:
            raise Refusal(f"{doc.path}:{a.line}: {a.name} is computed ({a.expression}); no "
                          "single literal decides it")
        doc2, a2 = target
        _replace(doc2, a2, entry, resource, ctx, change, depth + 1)
        return
    if isinstance(a.value, (dict, list)):
        raise Refusal(f"{doc.path}:{a.line}: {a.name} holds a collection; no single literal")
    new = _coerce(resolve(entry["value"], a.value, a.name, resource, ctx, change), a.value)
    if new == a.value and type(new) is type(a.value):
        return
    where = os.path.basename(doc.path)
    change.add(doc.path, doc.replace(a, new),
               f"{a.name} {a.expression} -> {doc.literal(new)} ({where}:{a.line})")


def _origin(doc, a: Assignment, ctx: FixContext, root: str):
    """The literal a ``var.x`` (``var.x.a.b``) or ``!Ref X`` takes: in the root module a
    ``.tfvars`` line, else the variable's or the parameter's default."""
    if a.reference is None:
        return None
    kind, name = a.reference[0], a.reference[1]
    path = a.reference[2] if len(a.reference) > 2 else ()
    if kind == "Ref":
        if name in ctx.parameters:
            raise Refusal(f"{doc.path}:{a.line}: {a.name} comes from the parameter override "
                          f"{name} on the command line; change it there")
        _param, default = doc.parameter_default(name) if hasattr(doc, "parameter_default") \
            else (None, None)
        if default is None:
            return None
        return doc, default
    if name in ctx.variables:
        raise Refusal(f"{doc.path}:{a.line}: {a.name} comes from --var {name}; change it there")
    folder = os.path.dirname(doc.path) or "."
    found = None
    is_root = bool(root) and os.path.realpath(folder) == os.path.realpath(root)
    if path and not is_root:
        # The loader points at a caller's argument only for a bare var.x; var.x.a may come
        # from any caller, so its default is not known to be the value.
        raise Refusal(f"{doc.path}:{a.line}: {a.name} = {a.expression} comes from the module "
                      "input's caller; no single literal decides it")
    if is_root:
        for path_ in _var_files(folder, ctx):
            vdoc = ctx.document(path_)
            assigned = [x for x in vdoc.root.assignments if x.name == name] \
                if vdoc.kind == "hcl" else []
            if assigned:
                found = (vdoc, assigned[-1])  # later files override earlier ones
    if found is None:
        for entry in sorted(os.listdir(folder)):
            if not entry.endswith(".tf"):
                continue
            vdoc = ctx.document(os.path.join(folder, entry))
            block, default = vdoc.variable_default(name)
            if block is not None:
                if default is None:
                    raise Refusal(f"variable {name} ({vdoc.path}:{block.line}) has no default "
                                  "and no value in the scanned files")
                found = (vdoc, default)
                break
    if found is None or not path:
        return found
    vdoc, assigned = found
    member = vdoc.member(assigned, path)
    if member is None:
        raise Refusal(f"{vdoc.path}:{assigned.line}: {'.'.join((name,) + path)} is not written "
                      "as one literal there")
    return vdoc, member


def _var_files(folder: str, ctx: FixContext) -> list[str]:
    """The variable files Terraform reads for a root module, in the order it reads them."""
    names = sorted(os.listdir(folder))
    auto = [n for n in names if n == "terraform.tfvars"] + \
        [n for n in names if n.endswith(".auto.tfvars")]
    return [os.path.join(folder, n) for n in auto] + list(ctx.var_files)


def _insert(doc, block: Container, path: list[str], entry: dict, resource: Resource,
            ctx: FixContext, change: Change) -> None:
    rest = list(path)
    for i in range(len(path) - 1, -1, -1):
        name = block.name
        if name == "content" and block.parent is not None and block.parent.name == "dynamic":
            name = block.parent.labels[0] if block.parent.labels else name
        if name == path[i]:
            rest = path[i + 1:]
            break
    node = block
    while len(rest) > 1:
        child = node.child(rest[0])
        if child is None:
            break
        node, rest = child, rest[1:]
    if len(rest) == 1:
        a = node.assignment(rest[0])
        if a is not None:
            _replace(doc, a, entry, resource, ctx, change)
            return
    if not rest:
        raise Refusal(f"{doc.path}:{block.line}: nothing to insert")
    value = resolve(entry["value"], None, rest[-1], resource, ctx, change)
    try:
        edits = doc.insert(node, rest, value)
    except DocumentError as exc:
        raise Refusal(f"{doc.path}: {exc}") from None
    change.add(doc.path, edits, f"added {'.'.join(rest)} = {doc.literal(value)} "
                                f"({os.path.basename(doc.path)}:{node.line})")


def remove_field(entry: dict, resource: Resource, ctx: FixContext, change: Change) -> None:
    kind = source_kind(resource)
    loc = _where(resource, entry["field"])
    doc = ctx.document(loc.path)
    names = {p[-1] for p in _paths(entry, kind)}
    target = doc.container_at(loc.start_line) if hasattr(doc, "container_at") else None
    if target is not None and target.name == "Properties":
        target = None
    if target is None or target.name not in names:
        target = next((a for n in names for a in [doc.assignment_at(loc.start_line, n)] if a),
                      None)
    if target is None:
        raise Refusal(f"nothing to remove at {loc.path}:{loc.start_line}")
    try:
        edits = doc.remove(target)
    except DocumentError as exc:
        raise Refusal(f"{doc.path}: {exc}") from None
    change.add(doc.path, edits, f"removed {target.name} ({os.path.basename(doc.path)}:"
                                f"{target.line})")


def target_of(entry: dict, resource: Resource, ctx: FixContext) -> Resource:
    """The resource an entry edits: the finding's, or (``on: stage``) the stage it uses."""
    on = entry.get("target", "resource")
    if on == "resource":
        return resource
    if on == "key-owner":
        if not isinstance(resource, CacheBehavior) or not resource.has_cache_policy_id:
            return resource
        if isinstance(resource.policy, CachePolicy) and not resource.policy.managed:
            return resource.policy
        raise Refusal("the behaviour's key and TTLs come from a managed or unresolved cache "
                      "policy; choose another policy")
    if on == "stage" and isinstance(resource, ApiMethodSettings):
        stages = [s for s in ctx.inventory.of(ApiStage)
                  if s.api == resource.api and s.name == resource.stage
                  and s.source.root == resource.source.root]
        if len(stages) != 1:
            raise Refusal(f"the stage {resource.stage!r} of {resource.source.address} is not "
                          "one resource in the scanned files")
        return stages[0]
    raise Refusal(f"cannot find the {on} of {resource.source.address}")


def plan_change(finding: Finding, resource: Resource, ctx: FixContext) -> Change:
    spec = finding.rule.fix or {}
    change = Change()
    pointer = finding.pointer
    for entry in spec.get("set", ()):
        if "when" in entry and entry["when"] != pointer:
            continue
        set_field(entry, target_of(entry, resource, ctx), ctx, change)
    for entry in spec.get("remove", ()):
        remove_field(entry, target_of(entry, resource, ctx), ctx, change)
    if spec.get("needs"):
        from cachelint.fix import additions

        if spec["needs"] == "dax-parameter-group" and isinstance(resource, DaxCluster):
            additions.add_dax_parameter_group(resource, ctx, change)
        elif spec["needs"] == "caller-identity" and isinstance(resource, ApiMethod):
            additions.add_caller_identity(resource, ctx, change)
    if not change.edits and not change.notes:
        raise Refusal("nothing to change")
    return change
