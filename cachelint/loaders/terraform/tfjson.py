"""Terraform JSON syntax (``*.tf.json``) -> the same syntax nodes as native HCL.

PyYAML's composer reads JSON and keeps a line mark on every node; ``${...}`` inside strings is
parsed with the HCL expression parser, as Terraform does.
"""

from __future__ import annotations

import yaml

from cachelint.files import yaml_problem
from cachelint.loaders.terraform.hcl import parse_expression
from cachelint.loaders.terraform.syntax import (
    Attribute, Block, Body, ConfigFile, Expr, Lit, ObjectExpr, TupleExpr, split_template,
)

# How many labels each top-level block type has in JSON nesting.
_LABELS = {"resource": 2, "data": 2, "module": 1, "variable": 1, "output": 1, "provider": 1,
           "locals": 0, "terraform": 0, "moved": 0, "import": 0, "check": 1, "removed": 0}
# Inside a body, these keys are never nested blocks.
_ALWAYS_ATTR = {"count", "for_each", "depends_on", "provider", "lifecycle_ignore", "tags",
                "tags_all", "default", "value", "source", "version"}


class JsonSyntaxError(ValueError):
    pass


class _Loader(yaml.SafeLoader):
    pass


def parse_tf_json(text: str, path: str) -> ConfigFile:
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        line, problem = yaml_problem(exc)
        where = f" at line {line}" if line else ""
        raise JsonSyntaxError(f"invalid JSON{where}: {problem}") from None
    except RecursionError:
        raise JsonSyntaxError("nesting too deep to parse") from None
    if not isinstance(node, yaml.MappingNode):
        raise JsonSyntaxError("a .tf.json file must hold a JSON object")
    blocks: list[Block] = []
    for key_node, value_node in node.value:
        btype = key_node.value
        depth = _LABELS.get(btype)
        if depth is None:
            continue
        for labels, body_node in _nest(value_node, depth, ()):
            for obj in _objects(body_node):
                body = _body(obj)
                blocks.append(Block(btype, labels, body, obj.start_mark.line + 1,
                                    obj.end_mark.line + 1))
    return ConfigFile(path=path, body=Body({}, tuple(blocks)))


def _nest(node, depth: int, labels: tuple):
    if depth == 0:
        yield labels, node
        return
    if isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _nest(item, depth, labels)
        return
    if not isinstance(node, yaml.MappingNode):
        return
    for key_node, value_node in node.value:
        yield from _nest(value_node, depth - 1, labels + (str(key_node.value),))


def _objects(node):
    if isinstance(node, yaml.MappingNode):
        return [node]
    if isinstance(node, yaml.SequenceNode):
        return [n for n in node.value if isinstance(n, yaml.MappingNode)]
    return []


def _body(node: yaml.MappingNode) -> Body:
    attributes: dict[str, Attribute] = {}
    blocks: list[Block] = []
    for key_node, value_node in node.value:
        name = str(key_node.value)
        line, end = key_node.start_mark.line + 1, value_node.end_mark.line + 1
        if value_node.end_mark.column == 0 and end > line:
            end -= 1
        attributes[name] = Attribute(name, _expr(value_node), line, end)
        if name in _ALWAYS_ATTR:
            continue
        if name == "dynamic":
            for labels, inner in _nest(value_node, 1, ()):
                for obj in _objects(inner):
                    blocks.append(Block("dynamic", labels, _body(obj), obj.start_mark.line + 1,
                                        obj.end_mark.line + 1))
            continue
        # JSON cannot tell a nested block from a map attribute; offer both views.
        for obj in _objects(value_node):
            blocks.append(Block(name, (), _body(obj), obj.start_mark.line + 1,
                                obj.end_mark.line + 1))
    return Body(attributes, tuple(blocks))


def _expr(node) -> Expr:
    if isinstance(node, yaml.MappingNode):
        return ObjectExpr(tuple((Lit(str(k.value)), _expr(v)) for k, v in node.value))
    if isinstance(node, yaml.SequenceNode):
        return TupleExpr(tuple(_expr(v) for v in node.value))
    value = node.value
    if node.style in ('"', "'"):
        return split_template(value, parse_expression)
    if node.tag.endswith(":null") or value in ("null", "~", ""):
        return Lit(None)
    if value in ("true", "false"):
        return Lit(value == "true")
    try:
        return Lit(int(value))
    except ValueError:
        pass
    try:
        return Lit(float(value))
    except ValueError:
        return split_template(value, parse_expression)
