"""Native HCL files -> syntax nodes, through python-hcl2's Lark parse tree.

python-hcl2 8.1.4's ``with_meta`` serialization option does nothing, so line numbers come from
the raw Lark tree (``propagate_positions``), which this module walks directly.
"""

from __future__ import annotations

import functools
import json
import re

from lark import Token, Tree
from lark.exceptions import LarkError

from cachelint.loaders.terraform.syntax import (
    Attribute, BinOp, Block, Body, Call, Comment, Cond, ConfigFile, Expr, ForExpr, GetAttr, Index,
    Lit, Name, ObjectExpr, Opaque, Splat, Template, TupleExpr, UnOp, split_template,
)


_TRAILING_BLANKS = re.compile(r"[ \t]+$", re.M)


class HclSyntaxError(ValueError):
    """The file is not valid HCL; the message names the line."""


def parse_hcl(text: str, path: str) -> ConfigFile:
    import hcl2

    # Terraform accepts a heredoc's closing marker followed by spaces; the grammar does not.
    # Trailing blanks matter nowhere else (strings cannot span lines), and lines stay put.
    text = _TRAILING_BLANKS.sub("", text)
    try:
        tree = hcl2.parses_to_tree(text)
    except LarkError as exc:
        raise HclSyntaxError(_describe(exc)) from None
    except RecursionError:
        raise HclSyntaxError("nesting too deep to parse") from None
    body_tree = tree.children[0]
    comments: list[Comment] = []
    body = _body(body_tree, comments)
    return ConfigFile(path=path, body=body, comments=tuple(comments))


def _describe(exc: LarkError) -> str:
    line = getattr(exc, "line", None)
    token = getattr(exc, "token", None)
    char = getattr(exc, "char", None)
    if line is not None and line > 0:
        if token is not None:
            text = str(token).strip().splitlines()[0] if str(token).strip() else "end of line"
            what = f"unexpected {text[:40]!r}"
        elif char is not None:
            what = f"unexpected character {char!r}"
        else:
            what = "unexpected input"
        column = getattr(exc, "column", None)
        col = f", column {column}" if isinstance(column, int) and column > 0 else ""
        return f"syntax error at line {line}{col}: {what}"
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"syntax error: {first}"


@functools.lru_cache(maxsize=1)
def _expr_parser():
    import hcl2

    return hcl2.parses_to_tree


def parse_expression(text: str) -> Expr:
    """Parse one HCL expression (used for ``${...}`` inside JSON strings and heredocs)."""
    try:
        tree = _expr_parser()(f"x = {text}\n")
    except LarkError:
        return Opaque(text)
    body = tree.children[0]
    for child in body.children:
        if isinstance(child, Tree) and child.data == "attribute":
            return expression(child.children[-1])
    return Opaque(text)


def _body(tree: Tree, comments: list[Comment]) -> Body:
    attributes: dict[str, Attribute] = {}
    blocks: list[Block] = []
    for child in tree.children:
        if not isinstance(child, Tree):
            continue
        if child.data == "attribute":
            name = _name(child.children[0])
            attributes[name] = Attribute(name, expression(child.children[-1]), child.meta.line,
                                         _last_line(child))
            _collect_comments(child, comments)
        elif child.data == "block":
            labels: list[str] = []
            inner = None
            for part in child.children:
                if isinstance(part, Tree) and part.data == "body":
                    inner = part
                elif isinstance(part, Tree) and part.data == "string":
                    labels.append(_string_literal(part))
                elif isinstance(part, Tree) and part.data in ("identifier", "keyword",
                                                              "literal_value"):
                    labels.append(_name(part))
                elif isinstance(part, Tree) and part.data == "new_line_or_comment":
                    _comments_from(part, comments)
            btype, labels = labels[0], tuple(labels[1:])
            blocks.append(Block(btype, labels, _body(inner, comments) if inner else Body(),
                                child.meta.line, child.meta.end_line))
        elif child.data == "new_line_or_comment":
            _comments_from(child, comments)
    return Body(attributes, tuple(blocks))


def _last_line(tree: Tree) -> int:
    """The line of the last token that is not a trailing newline or comment."""
    node = tree
    while isinstance(node, Tree):
        kids = [c for c in node.children
                if not (isinstance(c, Tree) and c.data == "new_line_or_comment")
                and not (isinstance(c, Token) and c.type == "NL_OR_COMMENT")]
        if not kids:
            break
        node = kids[-1]
    if isinstance(node, Token) and node.end_line is not None:
        return node.end_line
    return tree.meta.end_line


def _collect_comments(tree: Tree, comments: list[Comment]) -> None:
    for sub in tree.iter_subtrees():
        if sub.data == "new_line_or_comment":
            _comments_from(sub, comments)


def _comments_from(tree: Tree, comments: list[Comment]) -> None:
    for tok in tree.children:
        if isinstance(tok, Token):
            text = tok.value.strip()
            if text.startswith(("#", "//", "/*")):
                comments.append(Comment(tok.line, text))


def _name(tree: Tree) -> str:
    tok = tree.children[0]
    return tok.value if isinstance(tok, Token) else _name(tok)


def _string_literal(tree: Tree) -> str:
    value = _string(tree)
    if isinstance(value, Lit):
        return str(value.value)
    return "".join(p if isinstance(p, str) else "${...}" for p in getattr(value, "parts", ()))


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    try:
        return json.loads('"' + text.replace("\n", "\\n") + '"')
    except ValueError:
        return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text)


def _string(tree: Tree) -> Expr:
    parts: list = []
    for part in tree.children:
        if not isinstance(part, Tree):
            continue
        inner = part.children[0]
        if isinstance(inner, Token):
            if inner.type == "ESCAPED_INTERPOLATION" or inner.type == "ESCAPED_DIRECTIVE":
                parts.append(inner.value[1:])
            else:
                parts.append(_unescape(inner.value))
        elif inner.data == "interpolation":
            parts.append(expression(inner.children[1]))
        else:
            return Opaque("%{...}")  # template directives are not evaluated
    if all(isinstance(p, str) for p in parts):
        return Lit("".join(parts))
    return Template(tuple(parts))


def _heredoc(token: Token, trim: bool) -> Expr:
    text = token.value
    first_nl = text.index("\n")
    body = text[first_nl + 1:]
    body = body[: body.rstrip("\n").rfind("\n") + 1] if "\n" in body.rstrip("\n") else ""
    if trim:
        lines = body.splitlines(keepends=True)
        indents = [len(line) - len(line.lstrip(" \t")) for line in lines if line.strip()]
        cut = min(indents) if indents else 0
        body = "".join(line[cut:] for line in lines)
    return split_template(body, parse_expression)


def _number(text: str):
    value = float(text)
    whole = value.is_integer() and "e" not in text.lower() and "." not in text
    return int(value) if whole else value


def expression(node) -> Expr:
    if isinstance(node, Token):
        return Opaque(node.value)
    kind = node.data
    ch = [c for c in node.children
          if not (isinstance(c, Tree) and c.data == "new_line_or_comment")]
    if kind == "expr_term":
        sig = [c for c in ch if isinstance(c, Tree)]
        if len(sig) == 1:
            return expression(sig[0])
        return Opaque("()")
    if kind == "int_lit" or kind == "float_lit":
        return Lit(_number(ch[0].value))
    if kind == "literal_value":
        return Lit({"true": True, "false": False, "null": None}[ch[0].value])
    if kind == "string":
        return _string(node)
    if kind == "template_string":
        return Lit(_unescape(ch[0].value[2:-2]))
    if kind == "identifier" or kind == "keyword":
        return Name(ch[0].value)
    if kind == "heredoc_template":
        return _heredoc(ch[0], trim=False)
    if kind == "heredoc_template_trim":
        return _heredoc(ch[0], trim=True)
    if kind == "tuple":
        return TupleExpr(tuple(expression(c) for c in ch if isinstance(c, Tree)))
    if kind == "object":
        items = []
        for elem in ch:
            if isinstance(elem, Tree) and elem.data == "object_elem":
                key_tree, value_tree = elem.children[0], elem.children[-1]
                key_node = key_tree.children[0]
                key = _object_key(key_node)
                items.append((key, expression(value_tree)))
        return ObjectExpr(tuple(items))
    if kind == "get_attr_expr_term":
        obj, attr = ch
        return GetAttr(expression(obj), _name(attr.children[-1]))
    if kind == "index_expr_term":
        obj, idx = ch
        return Index(expression(obj), _index_key(idx))
    if kind in ("attr_splat_expr_term", "full_splat_expr_term"):
        obj, splat = ch
        steps = []
        for step in splat.children:
            if isinstance(step, Tree):
                if step.data == "get_attr":
                    steps.append(("attr", _name(step.children[-1])))
                else:
                    steps.append(("index", _index_key(step)))
        return Splat(expression(obj), tuple(steps))
    if kind == "function_call":
        idents = [c for c in ch if isinstance(c, Tree) and c.data == "identifier"]
        name = "::".join(_name(i) for i in idents)
        args_tree = next((c for c in ch if isinstance(c, Tree) and c.data == "arguments"), None)
        args: tuple = ()
        expand = False
        if args_tree is not None:
            args = tuple(expression(a) for a in args_tree.children
                         if isinstance(a, Tree) and a.data != "new_line_or_comment")
            expand = any(isinstance(a, Token) and a.type == "ELLIPSIS" for a in args_tree.children)
        return Call(name, args, expand)
    if kind == "binary_op":
        left = expression(ch[0])
        term = ch[1]
        parts = [c for c in term.children
                 if not (isinstance(c, Tree) and c.data == "new_line_or_comment")]
        op = parts[0].children[0].value
        return BinOp(op, left, expression(parts[1]))
    if kind == "unary_op":
        return UnOp(ch[0].value, expression(ch[1]))
    if kind == "conditional":
        exprs = [c for c in ch if isinstance(c, Tree)]
        return Cond(expression(exprs[0]), expression(exprs[1]), expression(exprs[2]))
    if kind in ("for_tuple_expr", "for_object_expr"):
        return _for(ch, kind == "for_object_expr")
    return Opaque(kind)


def _object_key(node) -> Expr:
    if isinstance(node, Tree) and node.data == "keyword":
        return Lit(node.children[0].value)
    expr = expression(node)
    # A bare identifier as an object key is a literal string (``{ a = 1 }``).
    if isinstance(expr, Name):
        return Lit(expr.name)
    return expr


def _index_key(idx: Tree) -> Expr:
    if idx.data == "short_index":
        return Lit(int(idx.children[-1].value))
    exprs = [c for c in idx.children
             if isinstance(c, Tree) and c.data != "new_line_or_comment"]
    return expression(exprs[0])


def _for(ch: list, is_object: bool) -> ForExpr:
    trees = [c for c in ch if isinstance(c, Tree)]
    intro = trees[0]
    intro_parts = [c for c in intro.children if isinstance(c, Tree)
                   and c.data != "new_line_or_comment"]
    idents = [_name(c) for c in intro_parts if c.data == "identifier"]
    collection = expression(intro_parts[-1])
    key_var, value_var = (idents[0], idents[1]) if len(idents) == 2 else (None, idents[0])
    rest = trees[1:]
    cond = None
    if rest and rest[-1].data == "for_cond":
        cond_parts = [c for c in rest[-1].children
                      if isinstance(c, Tree) and c.data != "new_line_or_comment"]
        cond = expression(cond_parts[0])
        rest = rest[:-1]
    grouping = any(isinstance(c, Token) and c.type == "ELLIPSIS" for c in ch)
    if is_object:
        return ForExpr(key_var, value_var, collection, expression(rest[0]), expression(rest[1]),
                       cond, grouping)
    return ForExpr(key_var, value_var, collection, None, expression(rest[0]), cond)
