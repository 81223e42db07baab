"""Fixes that add more than one value: the caller's identity in a method's cache key (CL104),
and a DAX parameter group with explicit TTLs (CL402)."""

from __future__ import annotations

import os
import re

from cachelint.fix.document import DocumentError, Edit
from cachelint.fix.hcldoc import Raw
from cachelint.fix.plan import Change, FixContext, Refusal, source_kind
from cachelint.model import DAX_DEFAULT_TTL_MILLIS, ApiMethod, DaxCluster, DaxParameterGroup


def _one_header(method: ApiMethod) -> str:
    """The identity a token authorizer (or Cognito) reads: one request header."""
    auth = method.authorization
    sources = method.authorizer_identity_sources
    if not isinstance(auth, str) or auth.upper() not in ("CUSTOM", "COGNITO_USER_POOLS"):
        raise Refusal(f"authorization {auth!r} has no identity header to key on")
    if len(sources) != 1 or not sources[0].startswith("method.request.header."):
        raise Refusal("the authorizer reads several identity sources (a REQUEST authorizer); "
                      "which of them make the response differ is a choice to make by hand")
    return sources[0]


def add_caller_identity(method: ApiMethod, ctx: FixContext, change: Change) -> None:
    """CL104: the identity header in the integration's cache key parameters and declared in
    the method's request parameters (SAM: a RequestParameters entry with Caching: true)."""
    header = _one_header(method)
    loc = method.source.fields.get("cache_key_parameters")
    if loc is None:
        raise Refusal("the method's integration is not in the scanned files")
    doc = ctx.document(loc.path)
    where = os.path.basename(doc.path)
    if method.source.type == "AWS::Serverless::Function":
        _sam_event(doc, loc.start_line, header, change)
        return
    keys = list(method.cache_key_parameters) + [header]
    cfn = source_kind(method) == "cloudformation"
    name = "CacheKeyParameters" if cfn else "cache_key_parameters"
    a = doc.assignment_at(loc.start_line, name)
    if a is not None:
        if not isinstance(a.value, list):
            raise Refusal(f"{doc.path}:{a.line}: {name} is computed ({a.expression})")
        change.add(doc.path, doc.replace(a, keys), f"{name} + {header} ({where}:{a.line})")
    else:
        block = doc.container_at(loc.start_line)
        if block is None:
            raise Refusal(f"nothing to edit at {loc.path}:{loc.start_line}")
        if cfn:
            integration = block.child("Integration")
            if integration is None:
                raise Refusal("the method has no Integration to key")
            block = integration
        change.add(doc.path, _insert(doc, block, [name], keys),
                   f"added {name} = {header} ({where}:{block.line})")
    # The parameter must be declared on the method request to be part of the cache key.
    mloc = method.source.location
    mdoc = ctx.document(mloc.path)
    block = mdoc.container_at(mloc.start_line)
    if block is None:
        raise Refusal(f"the method at {mloc.path}:{mloc.start_line} cannot be edited")
    pname = "RequestParameters" if cfn else "request_parameters"
    existing = block.assignment(pname)
    declared = block.child(pname)
    if declared is not None:  # a YAML mapping
        if declared.assignment(header) is None:
            change.add(mdoc.path, _insert(mdoc, declared, [header], True),
                       f"{pname} + {header} ({os.path.basename(mdoc.path)}:{declared.line})")
    elif existing is None:
        change.add(mdoc.path, _insert(mdoc, block, [pname], {header: True}),
                   f"added {pname} {header} ({os.path.basename(mdoc.path)}:{block.line})")
    elif isinstance(existing.value, dict):
        if header not in existing.value:
            change.add(mdoc.path, mdoc.replace(existing, dict(existing.value) | {header: True}),
                       f"{pname} + {header} ({os.path.basename(mdoc.path)}:{existing.line})")
    else:
        raise Refusal(f"{mdoc.path}:{existing.line}: {pname} is computed "
                      f"({existing.expression})")


def _insert(doc, block, path, value):
    try:
        return doc.insert(block, path, value)
    except DocumentError as exc:
        raise Refusal(f"{doc.path}: {exc}") from None


def _sam_event(doc, line: int, header: str, change: Change) -> None:
    entry = {header: {"Required": True, "Caching": True}}
    a = doc.assignment_at(line, "RequestParameters")
    if a is not None:
        try:
            edits = doc.append_item(a, entry)
        except DocumentError as exc:
            raise Refusal(f"{doc.path}: {exc}") from None
        change.add(doc.path, edits, f"RequestParameters + {header} (Caching: true) "
                                    f"({os.path.basename(doc.path)}:{a.line})")
        return
    block = doc.container_at(line)  # the event's Properties (container_at descends into it)
    props = block if block is not None and block.name == "Properties" else (
        block.child("Properties") if block is not None else None)
    if props is None:
        raise Refusal(f"nothing to edit at {doc.path}:{line}")
    change.add(doc.path, _insert(doc, props, ["RequestParameters"], [entry]),
               f"added RequestParameters {header} (Caching: true)")


# --- CL402: a DAX parameter group ----------------------------------------------------------------

_TF_GROUP = '''resource "aws_dax_parameter_group" "{name}" {{
  name = "{group}"

  parameters {{
    name  = "record-ttl-millis"
    value = "{ttl}"
  }}

  parameters {{
    name  = "query-ttl-millis"
    value = "{ttl}"
  }}
}}
'''


_PARAMS = {"record_ttl_millis": "record-ttl-millis", "query_ttl_millis": "query-ttl-millis"}


def add_dax_parameter_group(cluster: DaxCluster, ctx: FixContext, change: Change) -> None:
    """CL402: the TTLs written down, in the cluster's own parameter group, or in a new group
    placed before the cluster and attached to it."""
    if ctx.ttl is not None:
        ttl, why = ctx.ttl * 1000, f"--ttl {ctx.ttl}"
    else:
        ttl, why = DAX_DEFAULT_TTL_MILLIS, "the DAX default"
    change.notes.append(f"TTL {ttl} ms from {why}")
    group = cluster.parameter_group
    if isinstance(group, DaxParameterGroup):
        missing = [p for f, p in _PARAMS.items() if getattr(group, f) is None]
        _complete_group(group, missing, str(ttl), ctx, change)
        return
    if group is not None:
        raise Refusal("the cluster's parameter group could not be read")
    loc = cluster.source.location
    doc = ctx.document(loc.path)
    block = doc.container_at(loc.start_line)
    if block is None:
        raise Refusal(f"the cluster at {loc.path}:{loc.start_line} cannot be edited")
    t = doc.text
    nl = t.newline
    if source_kind(cluster) == "terraform":
        if doc.kind != "hcl" or block.name != "resource" or len(block.labels) != 2:
            raise Refusal("only a native HCL resource block can get a parameter group")
        name = block.labels[1]
        taken = {c.labels[1] for c in doc.root.children
                 if c.name == "resource" and len(c.labels) == 2
                 and c.labels[0] == "aws_dax_parameter_group"}
        gname = name if name not in taken else f"{name}_ttl"
        label = cluster.name if isinstance(cluster.name, str) and \
            re.fullmatch(r"[A-Za-z][A-Za-z0-9-]{0,200}", cluster.name) else \
            gname.replace("_", "-")
        text = _TF_GROUP.format(name=gname, group=f"{label}-ttl", ttl=ttl).replace("\n", nl)
        start = t.starts[_above_comments(t, block.line) - 1]
        change.add(doc.path, [Edit(start, start, text + nl)],
                   f"added aws_dax_parameter_group.{gname} ({os.path.basename(doc.path)})")
        change.add(doc.path, _insert(doc, block, ["parameter_group_name"],
                                     Raw(f"aws_dax_parameter_group.{gname}.name")),
                   "attached it with parameter_group_name")
        return
    resources = doc.root.child("Resources")
    logical = cluster.source.address.split(".")[0]
    entry = resources.child(logical) if resources is not None else None
    if entry is None or doc.kind != "yaml":
        raise Refusal("only a YAML template's resource can get a parameter group")
    gname = f"{logical}Ttl"
    indent = t.indent(entry.line)
    step = "  "
    lines = [f"{indent}{gname}:", f"{indent}{step}Type: AWS::DAX::ParameterGroup",
             f"{indent}{step}Properties:", f"{indent}{step * 2}ParameterNameValues:"]
    lines += [f'{indent}{step * 3}{p}: "{ttl}"' for p in _PARAMS.values()]
    start = t.starts[_above_comments(t, entry.line) - 1]
    change.add(doc.path, [Edit(start, start, nl.join(lines) + nl + nl)],
               f"added {gname} (AWS::DAX::ParameterGroup)")
    change.add(doc.path, _insert(doc, block, ["ParameterGroupName"], Raw(f"!Ref {gname}")),
               "attached it with ParameterGroupName")


def _above_comments(t, line: int) -> int:
    """The first line of the comments written directly above ``line`` (they stay with it)."""
    while line > 1 and t.line_text(line - 1).strip().startswith(("#", "//")):
        line -= 1
    return line


def _complete_group(group: DaxParameterGroup, missing: list[str], ttl: str, ctx: FixContext,
                    change: Change) -> None:
    loc = group.source.location
    doc = ctx.document(loc.path)
    block = doc.container_at(loc.start_line)
    if block is None or not missing:
        raise Refusal(f"the parameter group at {loc.path}:{loc.start_line} cannot be edited")
    where = os.path.basename(doc.path)
    if doc.kind != "hcl":
        values = block.child("ParameterNameValues")
        if values is None:
            raise Refusal("the parameter group has no ParameterNameValues mapping to extend")
        for name in missing:
            change.add(doc.path, _insert(doc, values, [name], ttl),
                       f"added {name} = {ttl} ({where}:{values.line})")
        return
    t = doc.text
    nl = t.newline
    _, rbrace = block.node
    close_line = t.line_of(rbrace)
    if close_line == block.line:
        raise Refusal("a one-line parameter group block")
    indent = t.indent(block.line) + "  "
    pos = t.starts[close_line - 1]
    text = ""
    previous = t.line_text(close_line - 1).strip()
    for name in missing:
        if previous:
            text += nl
        text += nl.join([f"{indent}parameters {{", f'{indent}  name  = "{name}"',
                         f'{indent}  value = "{ttl}"', f"{indent}}}"]) + nl
        previous = "}"
    change.add(doc.path, [Edit(pos, pos, text)],
               f"added {' and '.join(missing)} = {ttl} ({where}:{block.line})")
