"""Fixes that add more than one value: the caller's identity in a method's cache key (CL104),
and a DAX parameter group with explicit TTLs (CL402)."""

from __future__ import annotations

import json
import os
import re

import yaml

from cachelint.fix.document import DocumentError, Edit
from cachelint.fix.hcldoc import Raw
from cachelint.fix.yamldoc import YamlDocument
from cachelint.fix.plan import Change, FixContext, Refusal, source_kind
from cachelint.model import (
    DAX_DEFAULT_TTL_MILLIS, DAX_TTL_PARAMETERS, ApiMethod, DaxCluster, DaxParameterGroup,
)
from cachelint.loaders.cloudformation.template import end_line


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
    if method.source.names.get("cache_key_parameters") == "cacheKeyParameters":
        _openapi_operation(method, header, ctx, change)
        return
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


_VERBS = ("get", "put", "post", "delete", "options", "head", "patch",
          "x-amazon-apigateway-any-method")


def _openapi_operation(method: ApiMethod, header: str, ctx: FixContext, change: Change) -> None:
    """CL104 in an OpenAPI document (YAML or JSON, inline in a template or a file of its own):
    the header in the operation's ``x-amazon-apigateway-integration.cacheKeyParameters`` and
    declared in its ``parameters`` (a cache key parameter must be a method request
    parameter)."""
    loc = method.source.location
    doc = ctx.document(loc.path)
    if doc.kind == "hcl":
        doc = _heredoc(doc, loc.start_line)
    op = doc.container_at(loc.start_line)
    if op is None or op.name.lower() not in _VERBS or op.line != loc.start_line:
        raise Refusal(f"{loc.path}:{loc.start_line}: the operation cannot be edited there")
    where = os.path.basename(doc.path)
    integ = op.child("x-amazon-apigateway-integration")
    if integ is None:
        raise Refusal(f"{doc.path}:{op.line}: the operation has no "
                      "x-amazon-apigateway-integration mapping to key")
    keys = integ.assignment("cacheKeyParameters")
    if keys is None:
        change.add(doc.path, _insert(doc, integ, ["cacheKeyParameters"], [header]),
                   f"added cacheKeyParameters {header} ({where}:{integ.line})")
    elif not isinstance(keys.value, list):
        raise Refusal(f"{doc.path}:{keys.line}: cacheKeyParameters is computed "
                      f"({keys.expression})")
    elif header not in keys.value:
        edits = doc.replace(keys, [header]) if not keys.value else _append(doc, keys, header)
        change.add(doc.path, edits, f"cacheKeyParameters + {header} ({where}:{keys.line})")
    name = header.split(".", 3)[3]
    declared = {"name": name, "in": "header", "required": True}
    # Swagger 2.0 gives a non-body parameter a type, OpenAPI 3 a schema.
    top = op.parent.parent.parent if op.parent is not None and op.parent.parent is not None \
        else None
    if top is not None and top.assignment("swagger") is not None:
        declared["type"] = "string"
    elif top is not None and top.assignment("openapi") is not None:
        declared["schema"] = {"type": "string"}
    params = op.assignment("parameters")
    shared = op.parent.assignment("parameters") if op.parent is not None else None
    if shared is not None and _declares(doc, shared, name):
        return  # declared on the path item, for all its operations
    if params is None:
        change.add(doc.path, _insert(doc, op, ["parameters"], [declared]),
                   f"added parameters {name} (in: header) ({where}:{op.line})")
        return
    if _declares(doc, params, name):
        return
    node = params.node
    edits = doc.replace(params, [declared]) if not node.value else _append(doc, params, declared)
    change.add(doc.path, edits, f"parameters + {name} (in: header) ({where}:{params.line})")


_HEREDOC = re.compile(r"<<(-?)([A-Za-z_][A-Za-z0-9_]*)\s*$")


def _heredoc(hcl, line: int):
    """The YAML or JSON document of the heredoc holding ``line`` in a Terraform file, read
    in place: everything outside the heredoc's body is blanked (newlines kept), so lines and
    offsets are the .tf file's own and an edit is one range of it."""
    t = hcl.text
    opening = None
    for n in range(line - 1, 0, -1):
        m = _HEREDOC.search(t.line_text(n))
        if m:
            # The nearest heredoc above, if it has not ended before ``line``.
            if all(t.line_text(k).strip() != m.group(2) for k in range(n + 1, line)):
                opening = (n, m.group(2))
            break
    if opening is None:
        raise Refusal(f"{hcl.path}:{line}: the OpenAPI body is written in HCL "
                      "(jsonencode(...)); add the header to the operation's "
                      "cacheKeyParameters and parameters by hand")
    first, marker = opening[0] + 1, opening[1]
    last = next((n for n in range(line, len(t.starts) + 1)
                 if t.line_text(n).strip() == marker), None)
    if last is None:
        raise Refusal(f"{hcl.path}:{first - 1}: the heredoc {marker} does not end")
    start, end = t.starts[first - 1], t.starts[last - 1]
    body = t.text[start:end]
    if "%{" in body:
        raise Refusal(f"{hcl.path}:{first - 1}: the heredoc holds template directives "
                      "(%{...}); add the header by hand")
    blank = re.sub(r"[^\r\n]", " ", t.text[:start]) + body + \
        re.sub(r"[^\r\n]", " ", t.text[end:])
    try:
        doc = YamlDocument(hcl.path, blank, json_syntax=body.lstrip().startswith("{"))
    except DocumentError as exc:
        raise Refusal(f"{hcl.path}:{first - 1}: the heredoc is not YAML or JSON ({exc})") \
            from None
    doc.text = t  # edits and their context are the .tf file's
    return doc


def _declares(doc, params, name: str) -> bool:
    """Whether a ``parameters`` list declares the header ``name`` (header names are not
    case-sensitive); a list that cannot be read is refused, not guessed at."""
    node = params.node
    if not isinstance(node, yaml.SequenceNode):
        raise Refusal(f"{doc.path}:{params.line}: parameters is not a list "
                      f"({params.expression})")
    for item in node.value:
        if not isinstance(item, yaml.MappingNode):
            raise Refusal(f"{doc.path}:{params.line}: a parameter is computed; whether the "
                          "header is declared cannot be told")
        fields = {k.value: v.value for k, v in item.value
                  if isinstance(k, yaml.ScalarNode) and isinstance(v, yaml.ScalarNode)}
        if "$ref" in fields:
            raise Refusal(f"{doc.path}:{params.line}: a parameter is a $ref; whether the "
                          "header is declared cannot be told")
        if fields.get("in") == "header" and str(fields.get("name", "")).lower() == \
                name.lower():
            return True
    return False


def _append(doc, a, item) -> list[Edit]:
    """``item`` at the end of a list, in the style of its entries (flow or block)."""
    node = a.node
    t = doc.text
    if doc.kind == "json" or node.flow_style:
        end = node.end_mark.index - 1
        while t.text[end - 1] in " \t\r\n":
            end -= 1
        last = node.value[-1]
        if last.start_mark.line != node.value[0].start_mark.line or \
                last.start_mark.line != node.start_mark.line:
            # One entry per line: the new one on its own line, indented like the last.
            indent = " " * last.start_mark.column
            return [Edit(end, end, f",{t.newline}{indent}{_flow(doc, item)}")]
        return [Edit(end, end, f", {_flow(doc, item)}")]
    first = node.value[0]
    dash = " " * (first.start_mark.column - 2)
    if isinstance(item, dict):
        if isinstance(first, yaml.MappingNode) and first.flow_style:
            lines = [f"{dash}- {_flow(doc, item)}"]
        else:
            lines = []
            for k, v in item.items():
                lines += doc._block(k, v, dash + "  ")
            lines[0] = f"{dash}- " + lines[0].lstrip()
    else:
        lines = [f"{dash}- {doc.literal(item)}"]
    line = end_line(node)
    pos = t.starts[line] if line < len(t.starts) else len(t.text)
    prefix = "" if pos == 0 or t.text[pos - 1] == "\n" else t.newline
    return [Edit(pos, pos, prefix + "".join(s + t.newline for s in lines))]


def _flow(doc, value) -> str:
    """A value in flow style: JSON in a JSON file, ``{name: X, in: header}`` in YAML."""
    if doc.kind == "json":
        return json.dumps(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(doc, v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(doc, v) for v in value) + "]"
    return doc.literal(value)


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
{parameters}}}
'''
_TF_PARAMETER = '''
  parameters {{
    name  = "{parameter}"
    value = "{ttl}"
  }}
'''


_PARAMS = DAX_TTL_PARAMETERS


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
        parameters = "".join(_TF_PARAMETER.format(parameter=p, ttl=ttl) for p in _PARAMS.values())
        text = _TF_GROUP.format(name=gname, group=f"{label}-ttl",
                                parameters=parameters).replace("\n", nl)
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
