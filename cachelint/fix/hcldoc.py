"""Native HCL (``.tf``, ``.tfvars``) as an editable document, through python-hcl2's Lark tree.

Lark gives each node its line and column; the file is parsed with line endings and trailing
blanks normalised (as the loader does), which keeps every line's start and every column, so
positions map back onto the original text exactly.
"""

from __future__ import annotations

import re

from lark import Token, Tree
from lark.exceptions import LarkError

from cachelint.fix.document import (
    NOT_LITERAL, Assignment, Container, Document, DocumentError, Edit, Text,
)
from cachelint.loaders.terraform.hcl import expression as to_expr
from cachelint.loaders.terraform.syntax import GetAttr, Lit, Name, ObjectExpr, Template, TupleExpr

_TRAILING_BLANKS = re.compile(r"[ \t]+$", re.M)
INDENT = "  "  # terraform fmt


def _normalise(text: str) -> str:
    return _TRAILING_BLANKS.sub("", text.replace("\r\n", "\n"))


def parse_tree(text: str) -> Tree:
    import hcl2

    try:
        return hcl2.parses_to_tree(_normalise(text))
    except LarkError as exc:
        raise DocumentError(str(exc).strip().splitlines()[0] if str(exc).strip()
                            else "not valid HCL") from None
    except RecursionError:
        raise DocumentError("nesting too deep to parse") from None


class HclDocument(Document):
    kind = "hcl"

    def __init__(self, path: str, text: str):
        self.path = path
        self.text = Text(text)
        tree = parse_tree(text)
        body = tree.children[0]
        self.root = Container("", 1, len(self.text.starts), 0, len(text))
        self._body(body, self.root)

    # --- reading -------------------------------------------------------------------------------

    def _pos(self, line: int, column: int) -> int:
        return self.text.offset(line, column)

    def _body(self, body: Tree, into: Container) -> None:
        for child in body.children:
            if not isinstance(child, Tree):
                continue
            if child.data == "attribute":
                into.assignments.append(self._attribute(child))
            elif child.data == "block":
                into.children.append(self._block(child, into))

    def _attribute(self, tree: Tree) -> Assignment:
        expr_tree = tree.children[-1]
        name_tree = tree.children[0]
        expr = to_expr(expr_tree)
        value, reference = NOT_LITERAL, None
        if isinstance(expr, Lit):
            value = expr.value
        elif isinstance(expr, TupleExpr) and all(isinstance(i, Lit) for i in expr.items):
            value = [i.value for i in expr.items]
        elif isinstance(expr, ObjectExpr) and all(
                isinstance(k, Lit) and isinstance(v, Lit) for k, v in expr.items):
            value = {str(k.value): v.value for k, v in expr.items}
        elif isinstance(expr, Template) and len(expr.parts) == 1 and \
                not isinstance(expr.parts[0], str):
            expr = expr.parts[0]
        path: list[str] = []
        while isinstance(expr, GetAttr):
            path.insert(0, expr.name)
            expr = expr.obj
        if isinstance(expr, Name) and expr.name == "var" and path:
            reference = ("var", path[0], tuple(path[1:]))  # var.x, or var.x.a.b
        start = self._pos(name_tree.meta.line, name_tree.meta.column)
        vstart = self._pos(expr_tree.meta.line, expr_tree.meta.column)
        vend = self._pos(expr_tree.meta.end_line, expr_tree.meta.end_column)
        return Assignment(_name(name_tree), tree.meta.line, start, vend, vstart, vend, value,
                          reference, self.text.text[vstart:vend], node=expr_tree)

    def member(self, assignment: Assignment, path: tuple) -> Assignment | None:
        """The element ``path`` of an object literal assigned by ``assignment`` (``a.b`` of
        ``x = { a = { b = 0 } }``), as an assignment of its own; None if not written so."""
        node = assignment.node
        found = None
        for key in path:
            obj = _unwrap(node)
            if not (isinstance(obj, Tree) and obj.data == "object"):
                return None
            found = None
            for elem in obj.children:
                if isinstance(elem, Tree) and elem.data == "object_elem":
                    name = _key_name(elem.children[0])
                    if name == key:
                        found = elem
            if found is None:
                return None
            node = found.children[-1]
        if found is None:
            return None
        member = self._attribute(Tree("attribute", [found.children[0], node], found.meta))
        member.name = path[-1]
        return member

    def _block(self, tree: Tree, parent: Container) -> Container:
        labels = []
        inner = None
        lbrace = rbrace = None
        name = ""
        for part in tree.children:
            if isinstance(part, Token) and part.type == "LBRACE":
                lbrace = part
            elif isinstance(part, Token) and part.type == "RBRACE":
                rbrace = part
            elif isinstance(part, Tree) and part.data == "body":
                inner = part
            elif isinstance(part, Tree) and part.data in ("identifier", "keyword") and not name:
                name = _name(part)
            elif isinstance(part, Tree) and part.data == "string":
                labels.append("".join(t.value for t in part.scan_values(
                    lambda v: isinstance(v, Token) and v.type == "STRING_CHARS")))
            elif isinstance(part, Tree) and part.data in ("identifier", "keyword"):
                labels.append(_name(part))
        block = Container(name, tree.meta.line, tree.meta.end_line,
                          self._pos(tree.meta.line, tree.meta.column),
                          self._pos(tree.meta.end_line, tree.meta.end_column), tuple(labels),
                          parent=parent)
        block.node = (self._pos(lbrace.line, lbrace.column) if lbrace else None,
                      self._pos(rbrace.line, rbrace.column) if rbrace else None)
        if inner is not None:
            self._body(inner, block)
        return block

    # --- finding -------------------------------------------------------------------------------

    def container_at(self, line: int) -> Container | None:
        found = [c for c in self.root.walk() if c is not self.root and c.line == line]
        return found[-1] if found else None

    def variable_default(self, name: str) -> tuple[Container | None, Assignment | None]:
        for c in self.root.children:
            if c.name == "variable" and c.labels[:1] == (name,):
                return c, c.assignment("default")
        return None, None

    # --- writing -------------------------------------------------------------------------------

    def literal(self, value) -> str:
        return literal(value)

    def replace(self, assignment: Assignment, value) -> list[Edit]:
        return [Edit(assignment.value_start, assignment.value_end, literal(value))]

    def remove(self, target: Assignment | Container) -> list[Edit]:
        """Remove an attribute or block with its whole line(s) (comments on them go too)."""
        t = self.text
        first = t.line_of(target.start)
        last = t.line_of(target.end - 1 if target.end > target.start else target.end)
        if t.line_text(first)[: target.start - t.starts[first - 1]].strip() or \
                t.line_text(last)[target.end - t.starts[last - 1]:].strip().lstrip("#/"):
            return [Edit(target.start, target.end, "")]  # shares its line with other code
        end = t.starts[last] if last < len(t.starts) else len(t.text)
        start = t.starts[first - 1]
        after = t.line_text(last + 1).strip() if last < len(t.starts) else ""
        if first > 1 and not t.line_text(first - 1).strip() and after in ("}", ""):
            start = t.starts[first - 2]  # the blank line that separated it goes with it
        return [Edit(start, end, "")]

    def insert(self, block: Container, path: list[str], value) -> list[Edit]:
        """Add ``path`` (nested block names, then the attribute) with ``value`` to ``block``,
        after its last attribute (before nested blocks), indented as terraform fmt does."""
        t = self.text
        nl = t.newline
        lbrace, rbrace = block.node
        indent = t.indent(block.line) + INDENT
        lines = _render(path, value, indent)
        if lbrace is None or rbrace is None:
            raise DocumentError(f"block at line {block.line} has no braces")
        if t.line_of(lbrace) == t.line_of(rbrace):
            # A one-line block `{ a = 1 }`: open it up, one argument per line.
            inside = t.text[lbrace + 1:rbrace].strip()
            body = ([indent + inside] if inside else []) + lines
            return [Edit(lbrace + 1, rbrace,
                         nl + nl.join(body) + nl + t.indent(block.line))]
        anchor_line = max((a for a in block.assignments), key=lambda a: a.line,
                          default=None)
        if anchor_line is not None:
            line = t.line_of(anchor_line.end - 1) + 1
        else:
            line = t.line_of(lbrace) + 1
        pos = t.starts[line - 1] if line <= len(t.starts) else len(t.text)
        if len(path) > 1:
            # A nested block goes after the block's last attribute, as a separate paragraph.
            lines = [""] + lines
        return [Edit(pos, pos, "".join(s + nl for s in lines))]


def _render(path: list[str], value, indent: str) -> list[str]:
    if len(path) == 1:
        return [f"{indent}{path[0]} = {literal(value)}"]
    return [f"{indent}{path[0]} {{"] + _render(path[1:], value, indent + INDENT) + \
        [f"{indent}}}"]


class Raw(str):
    """An HCL expression written as is (a reference), not as a string literal."""


def literal(value) -> str:
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{literal(str(k))} = {literal(v)}" for k, v in value.items()) \
            + " }"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("${", "$${")
        return f'"{escaped}"'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    raise TypeError(f"no HCL literal for {value!r}")


def _unwrap(node):
    while isinstance(node, Tree) and node.data == "expr_term" and len(
            [c for c in node.children if isinstance(c, Tree)]) == 1 and not any(
            isinstance(c, Token) for c in node.children):
        node = next(c for c in node.children if isinstance(c, Tree))
    return node


def _key_name(key_tree) -> str | None:
    inner = _unwrap(key_tree.children[0]) if key_tree.children else None
    if isinstance(inner, Tree) and inner.data in ("identifier", "keyword"):
        return _name(inner)
    if isinstance(inner, Tree) and inner.data == "string":
        value = to_expr(inner)
        return value.value if isinstance(value, Lit) else None
    return None


def _name(tree) -> str:
    tok = tree.children[0]
    return tok.value if isinstance(tok, Token) else _name(tok)


# --- terraform fmt alignment ----------------------------------------------------------------------

_ASSIGN = re.compile(r'^(\s*)((?:"[^"]*"|[A-Za-z_][\w-]*))(\s*)=(?![=>])\s*(.*)$')


def _outside_strings(text: str):
    """(index, character) of each character of ``text`` outside its quoted strings."""
    in_str = False
    i = 0
    while i < len(text):
        ch = text[i]
        if in_str:
            if ch == "\\":
                i += 2
                continue
            if ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        else:
            yield i, ch
        i += 1


def _split_comment(rest: str) -> tuple[str, str]:
    """(code, trailing comment) of the part of a line after ``=``; strings are skipped."""
    for i, ch in _outside_strings(rest):
        if ch == "#" or rest.startswith("//", i):
            return rest[:i].rstrip(), rest[i:]
    return rest.rstrip(), ""


def _balanced(code: str) -> bool:
    depth = 0
    for _, ch in _outside_strings(code):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
    return depth == 0 and "<<" not in code


def _parse_line(line: str):
    m = _ASSIGN.match(line)
    if not m:
        return None
    code, comment = _split_comment(m.group(4))
    if not _balanced(code):
        return None
    return m.group(1), m.group(2), code, comment


def align(text: str, lines: set[int]) -> str:
    """Align ``=`` in the runs of single-line assignments that contain the inserted ``lines``
    (1-based), as terraform fmt does. Only the blanks before ``=`` change, and only in a run
    that was aligned before (a run the user left unaligned stays as it is)."""
    raw = text.split("\n")
    parsed = [_parse_line(line.rstrip("\r")) for line in raw]
    done: set[int] = set()
    for target in sorted(lines):
        i = target - 1
        if not (0 <= i < len(raw)) or parsed[i] is None or i in done:
            continue
        a = i
        while a > 0 and parsed[a - 1] is not None:
            a -= 1
        b = i
        while b + 1 < len(raw) and parsed[b + 1] is not None:
            b += 1
        run = range(a, b + 1)
        done.update(run)
        untouched = [k for k in run if k + 1 not in lines]
        before = max((len(parsed[k][0]) + len(parsed[k][1]) for k in untouched), default=0)
        if any(raw[k].index("=", len(parsed[k][0]) + len(parsed[k][1])) != before + 1
               for k in untouched):
            continue  # not as terraform fmt aligns it: leave the user's layout alone
        width = max(len(parsed[k][0]) + len(parsed[k][1]) for k in run)
        for k in run:
            indent, name = parsed[k][0], parsed[k][1]
            eq = raw[k].index("=", len(indent) + len(name))
            raw[k] = indent + name + " " * (width - len(indent) - len(name) + 1) + raw[k][eq:]
    return "\n".join(raw)
