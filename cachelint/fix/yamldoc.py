"""YAML and JSON files (CloudFormation/SAM templates, ``.tf.json``, ``.tfvars.json``) as
editable documents, through PyYAML's composer, whose marks are character offsets."""

from __future__ import annotations

import json
import re

import yaml

from cachelint.files import yaml_problem
from cachelint.fix.document import (
    NOT_LITERAL, Assignment, Container, Document, DocumentError, Edit, Text,
)
from cachelint.loaders.cloudformation.template import end_line, last_scalar


class _Loader(yaml.SafeLoader):
    pass


_Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

_PLAIN_SAFE = re.compile(r"^[A-Za-z0-9_./-][A-Za-z0-9_ ./-]*$")


def compose(text: str):
    try:
        return yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        line, problem = yaml_problem(exc)
        raise DocumentError(f"line {line}: {problem}" if line else problem) from None
    except RecursionError:
        raise DocumentError("nesting too deep to parse") from None


_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_TYPED = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
          "tag:yaml.org,2002:null")
_YAML_WORDS = {"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"}


def _scalar_value(node: yaml.ScalarNode):
    if node.tag in _TYPED:
        try:
            return _CONSTRUCTOR.construct_object(node, deep=True)
        except yaml.YAMLError:
            return NOT_LITERAL
    if node.tag == "tag:yaml.org,2002:str":
        return node.value
    return NOT_LITERAL


class YamlDocument(Document):
    def __init__(self, path: str, text: str, json_syntax: bool = False):
        self.path = path
        self.text = Text(text)
        self.kind = "json" if json_syntax else "yaml"
        # JSON allows tabs as whitespace, YAML does not: a tab becomes a space (same offsets).
        node = compose(text.replace("\t", " ") if json_syntax else text)
        if not isinstance(node, yaml.MappingNode):
            raise DocumentError("not a mapping at the top")
        self.root = Container("", node.start_mark.line + 1, node.end_mark.line + 1,
                              node.start_mark.index, node.end_mark.index, node=node)
        self._mapping(node, self.root)

    def _mapping(self, node: yaml.MappingNode, into: Container) -> None:
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else ""
            line = key.start_mark.line + 1
            if isinstance(value, yaml.MappingNode) and not value.tag.startswith("!") and \
                    not _is_intrinsic(value):
                child = Container(name, line, end_line(value), key.start_mark.index,
                                  _end(value), parent=into, node=value)
                self._mapping(value, child)
                into.children.append(child)
                continue
            if isinstance(value, yaml.SequenceNode):
                for item in value.value:
                    if isinstance(item, yaml.MappingNode) and not _is_intrinsic(item):
                        child = Container(name, item.start_mark.line + 1, end_line(item),
                                          item.start_mark.index, _end(item), parent=into,
                                          node=item)
                        self._mapping(item, child)
                        into.children.append(child)
            literal = _scalar_value(value) if isinstance(value, yaml.ScalarNode) else NOT_LITERAL
            if isinstance(value, yaml.SequenceNode) and all(
                    isinstance(i, yaml.ScalarNode) and i.tag == "tag:yaml.org,2002:str"
                    for i in value.value):
                literal = [i.value for i in value.value]
            reference = None
            if isinstance(value, yaml.ScalarNode) and value.tag == "!Ref":
                reference = ("Ref", value.value)
            elif _is_intrinsic(value) and value.value[0][0].value == "Ref" and \
                    isinstance(value.value[0][1], yaml.ScalarNode):
                reference = ("Ref", value.value[0][1].value)
            style = value.style if isinstance(value, yaml.ScalarNode) and value.style in (
                "'", '"') else ""
            into.assignments.append(Assignment(
                name, line, key.start_mark.index, _end(value), value.start_mark.index,
                _end(value), literal, reference,
                self.text.text[value.start_mark.index:_end(value)], style, value))

    # --- finding -------------------------------------------------------------------------------

    def container_at(self, line: int) -> Container | None:
        # A mapping is found by its key's line or (a list item, a mapping whose location is
        # its first key) by its own first line.
        found = [c for c in self.root.walk() if c is not self.root and (
            c.line == line or c.node.start_mark.line + 1 == line)]
        if not found:
            return None
        inner = found[-1]
        # A resource: its arguments live under Properties.
        props = inner.child("Properties")
        if inner.assignment("Type") is not None and props is not None:
            return props
        return inner

    def parameter_default(self, name: str) -> tuple[Container | None, Assignment | None]:
        params = self.root.child("Parameters")
        param = params.child(name) if params is not None else None
        return param, (param.assignment("Default") if param is not None else None)

    # --- writing -------------------------------------------------------------------------------

    def literal(self, value, style: str = "") -> str:
        """``value`` as a scalar of this file, in the style (quotes) it replaces."""
        if self.kind == "json":
            return json.dumps(value)
        if type(value).__name__ == "Raw":  # a tag or reference written as is (!Ref X)
            return str(value)
        if isinstance(value, str):
            if style == "'":
                return "'" + value.replace("'", "''") + "'"
            if style == '"' or not _PLAIN_SAFE.match(value) or \
                    value.lower() in _YAML_WORDS or _looks_numeric(value):
                return json.dumps(value)
            return value
        text = json.dumps(value)
        return f"{style}{text}{style}" if style else text

    def replace(self, assignment: Assignment, value) -> list[Edit]:
        return [Edit(assignment.value_start, assignment.value_end,
                     self.literal(value, assignment.style))]

    def remove(self, target: Assignment | Container) -> list[Edit]:
        t = self.text
        start, end = target.start, target.end
        if self.kind == "json" or t.text[start - 1:start] in ("{", ",") or \
                t.line_text(t.line_of(start)).strip().startswith("{"):
            return self._remove_flow(start, end)
        first = t.line_of(start)
        before = t.line_text(first)[: start - t.starts[first - 1]]
        if before.strip():
            raise DocumentError(f"line {first}: the key shares its line with other content")
        last = t.line_of(max(start, end - 1))
        stop = t.starts[last] if last < len(t.starts) else len(t.text)
        return [Edit(t.starts[first - 1], stop, "")]

    def _remove_flow(self, start: int, end: int) -> list[Edit]:
        text = self.text.text
        after = end
        while after < len(text) and text[after] in " \t\r\n":
            after += 1
        if after < len(text) and text[after] == ",":
            # "a": 1, "b": 2  ->  remove through the comma and the space before the next key.
            nxt = after + 1
            while nxt < len(text) and text[nxt] in " \t\r\n":
                nxt += 1
            line_start = self.text.starts[self.text.line_of(start) - 1]
            if text[line_start:start].strip() == "" and "\n" in text[after:nxt]:
                return [Edit(line_start, self.text.starts[self.text.line_of(nxt) - 1], "")]
            return [Edit(start, nxt, "")]
        before = start
        while before > 0 and text[before - 1] in " \t\r\n":
            before -= 1
        if before > 0 and text[before - 1] == ",":
            return [Edit(before - 1, end, "")]
        return [Edit(start, end, "")]

    def insert(self, mapping: Container, path: list[str], value) -> list[Edit]:
        node = mapping.node
        t = self.text
        nl = t.newline
        if node.flow_style or self.kind == "json":
            return self._insert_flow(mapping, path, value)
        if not node.value:
            raise DocumentError(f"line {mapping.line}: empty mapping")
        first_key = node.value[0][0]
        indent = " " * first_key.start_mark.column
        step = "  "
        last_value = node.value[-1][1]
        line = end_line(last_value)
        pos = t.starts[line] if line < len(t.starts) else len(t.text)
        lines = []
        for depth, key in enumerate(path[:-1]):
            lines.append(f"{indent}{step * depth}{key}:")
        lines += self._block(path[-1], value, indent + step * (len(path) - 1))
        prefix = "" if pos == 0 or t.text[pos - 1] == "\n" else nl
        return [Edit(pos, pos, prefix + "".join(s + nl for s in lines))]

    def _block(self, key: str, value, indent: str) -> list[str]:
        """``key: value`` in block style (mappings and lists on their own lines)."""
        if isinstance(value, dict) and value:
            out = [f"{indent}{key}:"]
            for k, v in value.items():
                out += self._block(k, v, indent + "  ")
            return out
        if isinstance(value, list) and value:
            out = [f"{indent}{key}:"]
            for item in value:
                if isinstance(item, dict) and item:
                    inner = []
                    for k, v in item.items():
                        inner += self._block(k, v, indent + "    ")
                    inner[0] = f"{indent}  - " + inner[0].lstrip()
                    out += inner
                else:
                    out.append(f"{indent}  - {self.literal(item)}")
            return out
        return [f"{indent}{key}: {self.literal(value)}"]

    def append_item(self, assignment: Assignment, item) -> list[Edit]:
        """Add ``item`` at the end of a block sequence, in the style of its entries."""
        node = assignment.node
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            raise DocumentError(f"line {assignment.line}: {assignment.name} is not a list")
        t = self.text
        nl = t.newline
        if node.flow_style or self.kind == "json":
            end = node.end_mark.index - 1
            return [Edit(end, end, ", " + json.dumps(item))]
        first = node.value[0]
        dash = " " * (first.start_mark.column - 2)
        lines = []
        if isinstance(item, dict) and len(item) == 1:
            (key, options), = item.items()
            if isinstance(options, dict):
                lines.append(f"{dash}- {key}:")
                lines += [f"{dash}    {k}: {self.literal(v)}" for k, v in options.items()]
            else:
                lines.append(f"{dash}- {key}: {self.literal(options)}")
        else:
            lines.append(f"{dash}- {self.literal(item)}")
        line = end_line(node)
        pos = t.starts[line] if line < len(t.starts) else len(t.text)
        prefix = "" if pos == 0 or t.text[pos - 1] == "\n" else nl
        return [Edit(pos, pos, prefix + "".join(s + nl for s in lines))]

    def _insert_flow(self, mapping: Container, path: list[str], value) -> list[Edit]:
        node = mapping.node
        t = self.text
        rendered = json.dumps(value) if self.kind == "json" else self.literal(value)
        for key in reversed(path[1:]):
            rendered = f'{{"{key}": {rendered}}}' if self.kind == "json" else \
                f"{{{key}: {rendered}}}"
        key = f'"{path[0]}"' if self.kind == "json" else path[0]
        if not node.value:
            close = node.end_mark.index - 1
            return [Edit(close, close, f"{key}: {rendered}")]
        last_key, last_value = node.value[-1]
        end = _end(last_value)
        first_line, last_line = last_key.start_mark.line + 1, last_value.end_mark.line + 1
        if node.start_mark.line + 1 != first_line:
            # One entry per line: the new one goes on its own line, indented like the last.
            indent = " " * last_key.start_mark.column
            return [Edit(end, end, f",{t.newline}{indent}{key}: {rendered}")]
        del last_line
        return [Edit(end, end, f", {key}: {rendered}")]


def _looks_numeric(value: str) -> bool:
    try:
        float(value)
        return True
    except ValueError:
        return False


def _is_intrinsic(node) -> bool:
    return isinstance(node, yaml.MappingNode) and len(node.value) == 1 and \
        isinstance(node.value[0][0], yaml.ScalarNode) and \
        (node.value[0][0].value == "Ref" or node.value[0][0].value.startswith("Fn::"))


def _end(node) -> int:
    """The offset just after a node's last character (block collections end at their last
    child, not at the next token)."""
    return last_scalar(node).end_mark.index
