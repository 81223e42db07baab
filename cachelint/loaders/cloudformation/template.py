"""CloudFormation/SAM templates (YAML or JSON) -> Python values that remember their lines.

A small PyYAML safe loader: short-form intrinsics (``!Ref``, ``!GetAtt A.B``, ``!Sub`` …) become
their long form, timestamps stay strings, and every mapping and sequence records the 1-based
lines of its entries. What CloudFormation and the SAM CLI accept is read as they read it, with a
warning; what they refuse is an error (docs/aws-facts.md, "Template syntax"):

- a duplicated key: the last one wins (CloudFormation accepts it, ``aws cloudformation deploy``
  only warns);
- YAML aliases and merge keys (``*a``, ``<<: *a``): CloudFormation refuses them; the SAM CLI and
  ``aws cloudformation package`` expand them. In a SAM template (``Transform:
  AWS::Serverless-2016-10-31``) they are expanded, after checking that the expansion is small
  (an alias bomb is refused); elsewhere they are an error.
"""

from __future__ import annotations

import re

import yaml

from cachelint.files import yaml_problem


class TemplateError(ValueError):
    """The file is a template (or looks like one) but cannot be read."""


class CfnDict(dict):
    """A mapping with the lines of itself (``line``/``end_line``) and of each key's value."""

    line = 1
    end_line = 1

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.key_lines: dict = {}

    def lines(self, key) -> tuple[int, int]:
        return self.key_lines.get(key, (self.line, self.end_line))


class CfnList(list):
    line = 1
    end_line = 1

    def __init__(self, *args):
        super().__init__(*args)
        self.item_lines: list = []

    def lines(self, index: int) -> tuple[int, int]:
        if 0 <= index < len(self.item_lines):
            return self.item_lines[index]
        return (self.line, self.end_line)


def last_scalar(node):
    """The node whose end is the end of ``node``: a block collection's end mark is the next
    token's position, so its end is taken from its last child, recursively."""
    while isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and not node.flow_style \
            and node.value:
        last = node.value[-1]
        node = last[1] if isinstance(node, yaml.MappingNode) else last
    return node


def end_line(node) -> int:
    """The last line with content of a node."""
    node = last_scalar(node)
    end = node.end_mark.line + 1
    if node.end_mark.column == 0 and end > node.start_mark.line + 1:
        end -= 1
    return end



class _Loader(yaml.SafeLoader):
    pass


# No timestamps: "2010-09-09" is a string to CloudFormation.
_Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


MAX_EXPANDED_NODES = 100_000  # a template expanded from aliases may not grow past this
_SECTIONS = {"AWSTemplateFormatVersion", "Description", "Metadata", "Parameters", "Rules",
             "Mappings", "Conditions", "Transform", "Resources", "Outputs", "Globals"}


def _compose_node(self, parent, index):
    if self.check_event(yaml.AliasEvent):
        event = self.peek_event()
        self.aliases.append((event.anchor, event.start_mark.line + 1))
    return yaml.SafeLoader.compose_node(self, parent, index)


_Loader.compose_node = _compose_node


def _mapping(loader, node):
    out = CfnDict()
    out.line, out.end_line = node.start_mark.line + 1, end_line(node)
    written = len([k for k, _ in node.value if k.tag != "tag:yaml.org,2002:merge"])
    loader.flatten_mapping(node)
    merged = len(node.value) - written  # merge-key entries come first; written keys override
    seen: set = set()
    for i, (key_node, value_node) in enumerate(node.value):
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            raise TemplateError(f"line {key_node.start_mark.line + 1}: unsupported mapping key")
        if i >= merged:
            if key in seen:
                section = " (a template section: CloudFormation's behaviour is undefined)" \
                    if node is getattr(loader, "root", None) and key in _SECTIONS else ""
                loader.warnings.append(
                    f"line {key_node.start_mark.line + 1}: duplicate key {key!r} (first at line "
                    f"{out.key_lines[key][0]}); the last one is used, as CloudFormation "
                    f"does{section}")
            seen.add(key)
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = (key_node.start_mark.line + 1, end_line(value_node))
    return out


def _sequence(loader, node):
    out = CfnList(loader.construct_object(child, deep=True) for child in node.value)
    out.line, out.end_line = node.start_mark.line + 1, end_line(node)
    out.item_lines = [(c.start_mark.line + 1, end_line(c)) for c in node.value]
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)

_INTRINSICS = ("And", "Base64", "Cidr", "Equals", "FindInMap", "GetAZs", "If", "ImportValue",
               "Join", "Length", "Not", "Or", "Select", "Split", "Sub", "ToJsonString",
               "Transform",
               # Rules-section functions.
               "Contains", "EachMemberEquals", "EachMemberIn", "RefAll", "ValueOf", "ValueOfAll")


def _intrinsic(name: str):
    def construct(loader, node):
        if isinstance(node, yaml.ScalarNode):
            value = loader.construct_scalar(node)
        elif isinstance(node, yaml.SequenceNode):
            value = _sequence(loader, node)
        else:
            value = _mapping(loader, node)
        if name == "GetAtt" and isinstance(value, str):
            value = CfnList(value.split(".", 1))
        key = name if name in ("Ref", "Condition") else f"Fn::{name}"
        out = CfnDict({key: value})
        out.line, out.end_line = node.start_mark.line + 1, end_line(node)
        out.key_lines[key] = (out.line, out.end_line)
        return out
    return construct


for _name in _INTRINSICS + ("Ref", "Condition", "GetAtt"):
    _Loader.add_constructor(f"!{_name}", _intrinsic(_name))


def _unknown_tag(loader, suffix, node):
    """A tag of a template pre-processor (Rain's ``!Rain::Embed``, ...): kept as an opaque
    function, so its value is unknown rather than the whole file unreadable."""
    return _intrinsic(f"Tag:{suffix}")(loader, node)


_Loader.add_multi_constructor("!", _unknown_tag)


def parse_template_text(text: str) -> object:
    """Parse YAML or JSON template text (warnings dropped: see parse_template)."""
    return parse_template(text)[0]


def parse_template(text: str) -> tuple[object, list[str]]:
    """Parse YAML or JSON template text into values and the warnings a deploy would give
    (one line each). JSON is YAML here, once its tab characters (which JSON allows only as
    whitespace) are spaces."""
    if text.lstrip().startswith(("{", "[")):
        text = text.replace("\t", " ")
    loader = None
    try:
        loader = _Loader(text)
        loader.aliases, loader.warnings = [], []
        node = loader.get_single_node()
        if node is None:
            return None, []
        loader.root = node
        if loader.aliases:
            _check_aliases(node, loader.aliases)
            loader.warnings.append(
                f"line {loader.aliases[0][1]}: YAML aliases ({len(loader.aliases)}) are expanded, "
                "as the SAM CLI does; CloudFormation itself does not accept them")
        return loader.construct_document(node), loader.warnings
    except TemplateError:
        raise
    except yaml.YAMLError as exc:
        line, problem = yaml_problem(exc)
        raise TemplateError(f"line {line}: {problem}" if line else problem) from None
    except RecursionError:
        raise TemplateError("nesting too deep to parse") from None
    finally:
        if loader is not None:
            loader.dispose()


def _is_sam(root) -> bool:
    if not isinstance(root, yaml.MappingNode):
        return False
    for key, value in root.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "Transform":
            values = value.value if isinstance(value, yaml.SequenceNode) else [value]
            return any(isinstance(v, yaml.ScalarNode) and v.value.startswith("AWS::Serverless")
                       for v in values)
    return False


def _check_aliases(root, aliases: list[tuple[str, int]]) -> None:
    """Aliases are an error unless the SAM CLI expands them (a SAM template), and then only if
    the expansion is finite and small (no alias bomb, no self-reference)."""
    anchor, line = aliases[0]
    if not _is_sam(root):
        raise TemplateError(
            f"YAML alias '*{anchor}' at line {line}: aliases are not supported by CloudFormation "
            "(expand them first, e.g. with `aws cloudformation package`)")
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:
            raise TemplateError(f"YAML alias '*{anchor}': an anchor refers to itself")
        active.add(key)
        total = 1
        if isinstance(node, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            total += sum(size(v) for v in node.value)
        active.discard(key)
        sizes[key] = total = min(total, MAX_EXPANDED_NODES + 1)
        return total

    if size(root) > MAX_EXPANDED_NODES:
        raise TemplateError(f"YAML alias '*{anchor}' at line {line}: the aliases expand to more "
                            f"than {MAX_EXPANDED_NODES} values; not expanded")


_RESOURCES = re.compile(r'^(?:Resources|"Resources")\s*:|[{,]\s*"Resources"\s*:', re.M)
# The last form is JSON anywhere on a line: a minified template is one line.
_TYPED = re.compile(r"""AWSTemplateFormatVersion|^\s*"?Type"?\s*:\s*["']?(?:AWS|Custom|Alexa)::"""
                    r"""|"Type"\s*:\s*"(?:AWS|Custom|Alexa)::""", re.M)


def looks_like_template(text: str) -> bool:
    """Cheap text test before parsing: a top-level Resources key and a typed resource (or a
    format version). Other YAML/JSON (Kubernetes, workflows) is skipped silently."""
    return _RESOURCES.search(text) is not None and _TYPED.search(text) is not None


def is_template(data: object) -> bool:
    if not isinstance(data, dict):
        return False
    resources = data.get("Resources")
    if not isinstance(resources, dict) or not resources:
        return "AWSTemplateFormatVersion" in data and isinstance(resources, dict)
    return any(isinstance(r, dict) and isinstance(r.get("Type"), str) and "::" in r["Type"]
               for r in resources.values())
