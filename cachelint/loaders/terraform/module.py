"""Evaluate a Terraform module tree: variables, locals, resources, local module calls.

The result is a list of :class:`TfResource` with every argument evaluated as far as it can be
known statically, each attribute keeping the file and lines it was written on.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from cachelint.loaders.terraform.evaluate import evaluate, overlay
from cachelint.loaders.terraform.types import convert
from cachelint.loaders.terraform.syntax import (
    Attribute, Block, Body, ConfigFile, GetAttr, Index, Lit, Name,
)
from cachelint.values import UNKNOWN, Symbol, is_known

if TYPE_CHECKING:
    from cachelint.loaders.terraform.project import TerraformProject

MAX_MODULE_DEPTH = 12
MAX_INSTANCES = 256


@dataclass(frozen=True)
class SourceSpan:
    path: str
    line: int
    end_line: int


@dataclass
class EvalBody:
    """A block with its arguments evaluated. ``origins`` holds where each argument was written."""

    span: SourceSpan
    values: dict[str, Any] = field(default_factory=dict)
    origins: dict[str, SourceSpan] = field(default_factory=dict)
    exprs: dict[str, Any] = field(default_factory=dict)
    blocks: dict[str, list[EvalBody]] = field(default_factory=dict)
    # From a ``dynamic`` block whose for_each is unknown: it may or may not exist.
    conditional: bool = False
    # The scope the arguments were evaluated in, for mappers that evaluate a part of an
    # argument themselves (the object inside an OpenAPI ``body = jsonencode(...)``).
    scope: Any = field(default=None, repr=False, compare=False)

    def get(self, name: str, default: Any = None) -> Any:
        """The argument's value; an argument set to null counts as left out, as in Terraform."""
        value = self.values.get(name)
        return default if value is None else value

    def has(self, name: str) -> bool:
        return self.values.get(name) is not None

    def block(self, name: str) -> EvalBody | None:
        found = self.blocks.get(name)
        return found[0] if found else None

    def all(self, name: str) -> list[EvalBody]:
        return self.blocks.get(name, [])

    def where(self, name: str) -> SourceSpan:
        return self.origins.get(name, self.span)


@dataclass
class TfResource:
    address: str
    mode: str  # "managed" or "data"
    type: str
    name: str
    module: str  # "" for the root module, else "module.a.module.b"
    body: EvalBody
    comments: tuple = ()
    root: str = ""  # the root module directory this instance was evaluated from
    # The assumption it was read under (Source.assumes): a resource no instance of which
    # exists at the variables' defaults, read where a variable takes a value the module
    # compares it with ('when var.engine = "memcached"'); "" for none.
    assumes: str = ""


class ModuleInstance:
    """One instance of a module: the root, or a ``module`` block's call (one per count/for_each
    key)."""

    def __init__(self, loader: TerraformProject, directory: str, files: list[ConfigFile],
                 prefix: str, inputs: dict[str, Any], input_origins: dict[str, SourceSpan],
                 depth: int, root_dir: str | None = None):
        self.loader = loader
        self.directory = directory
        self.prefix = prefix
        self.inputs = inputs
        self.input_origins = input_origins
        self.depth = depth
        self.root_dir = root_dir or directory
        self.variables: dict[str, tuple[Block, ConfigFile]] = {}
        self.locals: dict[str, tuple[Attribute, ConfigFile]] = {}
        self.resources: dict[tuple[str, str, str], tuple[Block, ConfigFile]] = {}
        self.calls: dict[str, tuple[Block, ConfigFile]] = {}
        self.outputs: dict[str, tuple[Block, ConfigFile]] = {}
        self._local_cache: dict[str, Any] = {}
        self._in_progress: set[str] = set()
        self._children: dict[str, Any] = {}
        self._var_cache: dict[str, Any] = {}
        self.files = files  # shared with the loader, which may add deferred files to it
        self._registered = 0
        self._sync()

    def _sync(self) -> None:
        """Take in files added to the folder since (deferred files parsed on demand)."""
        while self._registered < len(self.files):
            self._register(self.files[self._registered])
            self._registered += 1

    def _register(self, f: ConfigFile) -> None:
        loader = self.loader
        for block in f.body.blocks:
            if block.type == "variable" and block.labels:
                self.variables[block.labels[0]] = (block, f)
            elif block.type == "locals":
                for name, attr in block.body.attributes.items():
                    self.locals[name] = (attr, f)
            elif block.type in ("resource", "data") and len(block.labels) == 2:
                mode = "managed" if block.type == "resource" else "data"
                key = (mode, block.labels[0], block.labels[1])
                if key in self.resources:
                    first_block, first = self.resources[key]
                    loader.duplicate(f.path, block, f"{block.type} \"{block.labels[0]}\" "
                                     f"\"{block.labels[1]}\"", first.path, first_block.line)
                    continue
                self.resources[key] = (block, f)
            elif block.type == "module" and block.labels:
                self.calls[block.labels[0]] = (block, f)
            elif block.type == "output" and block.labels:
                self.outputs[block.labels[0]] = (block, f)

    # --- name resolution ----------------------------------------------------------------------

    def lookup(self, name: str) -> Any:
        if name == "var":
            return _Namespace(self.variable)
        if name == "local":
            return _Namespace(self.local)
        if name == "module":
            return _Namespace(self.child)
        if name == "data":
            return _Namespace(lambda t: _Namespace(lambda n: self.resource_value("data", t, n)))
        if name == "path":
            return {"module": self.directory, "root": self.root_dir, "cwd": self.root_dir}
        if name == "terraform":
            return {"workspace": "default"}
        if name in ("each", "count", "self"):
            return UNKNOWN
        return _Namespace(lambda n: self.resource_value("managed", name, n))

    def read_file(self, path: str) -> Any:
        """``file(path)``: a relative path is relative to the root module's folder, where
        Terraform runs (``"${path.module}/x"`` is absolute already)."""
        return self.loader.read_file(os.path.join(self.root_dir, path))

    def variable(self, name: str) -> Any:
        if name in self._var_cache:
            return self._var_cache[name]
        value: Any = UNKNOWN
        block = self.variables[name][0] if name in self.variables else None
        if name in self.inputs:
            value = self.inputs[name]
        elif block is not None and "default" in block.body.attributes:
            value = evaluate(block.body.attributes["default"].expr, _Root(self))
        if block is not None and "type" in block.body.attributes:
            value = convert(value, block.body.attributes["type"].expr,
                            lambda e: evaluate(e, _Root(self)))
        self._var_cache[name] = value
        return value

    def local(self, name: str) -> Any:
        if name in self._local_cache:
            return self._local_cache[name]
        if name not in self.locals or name in self._in_progress:
            return UNKNOWN  # undefined or a reference cycle
        self._in_progress.add(name)
        try:
            value = evaluate(self.locals[name][0].expr, self)
        finally:
            self._in_progress.discard(name)
        self._local_cache[name] = value
        return value

    def resource_value(self, mode: str, rtype: str, name: str) -> Any:
        key = (mode, rtype, name)
        if key not in self.resources:
            self.loader.load_deferred(self.directory, rtype, name)
            self._sync()
        if key not in self.resources:
            return UNKNOWN
        block, _ = self.resources[key]
        base = f"{self.prefix}{'data.' if mode == 'data' else ''}{rtype}.{name}"
        attrs = block.body.attributes
        if "count" in attrs or "for_each" in attrs:
            instances = self.instances(block)
            if instances is None:
                return UNKNOWN
            if "count" in attrs:
                return [_ResourceRef(self, block, addr, scope) for _, addr, scope in
                        ((k, f"{base}[{k}]", s) for k, s in instances)]
            return {k: _ResourceRef(self, block, f'{base}["{k}"]', s) for k, s in instances}
        return _ResourceRef(self, block, base, self)

    def instances(self, block: Block) -> list[tuple[Any, Any]] | None:
        """(key, scope) per instance of a counted/for_each block; None if not knowable."""
        attrs = block.body.attributes
        if "count" in attrs:
            n = evaluate(attrs["count"].expr, self)
            if isinstance(n, bool) or not isinstance(n, (int, float)):
                return None
            n = min(int(n), MAX_INSTANCES)
            return [(i, overlay(self, {"count": {"index": i}})) for i in range(n)]
        if "for_each" in attrs:
            coll = evaluate(attrs["for_each"].expr, self)
            if isinstance(coll, list):
                if not all(isinstance(v, str) for v in coll):
                    return None
                coll = {v: v for v in coll}
            if not isinstance(coll, dict) or not all(isinstance(k, str) for k in coll):
                return None
            items = list(coll.items())[:MAX_INSTANCES]
            return [(k, overlay(self, {"each": {"key": k, "value": v}})) for k, v in items]
        return [(None, self)]

    def child(self, name: str) -> Any:
        if name not in self.calls:
            return UNKNOWN
        if name not in self._children:
            self._children[name] = UNKNOWN  # guards self-reference while expanding
            self._children[name] = self.loader.expand_call(self, name)
        children = self._children[name]
        if isinstance(children, list):
            if len(children) == 1 and children[0][0] is None:
                return _ModuleRef(children[0][1])
            keys = [k for k, _ in children]
            if all(isinstance(k, int) for k in keys):
                return [_ModuleRef(m) for _, m in children]
            return {k: _ModuleRef(m) for k, m in children}
        return UNKNOWN

    def child_instances(self, needed: Callable[[str], bool] | None = None
                        ) -> list[ModuleInstance]:
        """Instances of the modules this one calls; with ``needed``, only of module folders
        that can hold a checked resource (others are still expanded when their outputs are
        used)."""
        out = []
        for name in self.calls:
            if needed is not None:
                block, _ = self.calls[name]
                source = block.body.attributes.get("source")
                target = module_source_dir(self.directory, source.expr.value) \
                    if source is not None and isinstance(source.expr, Lit) else None
                # A missing or empty source folder is still expanded: it is reported there.
                if target is not None and has_configuration(target) and not needed(target):
                    continue
            self.child(name)
            children = self._children.get(name)
            if isinstance(children, list):
                out.extend(m for _, m in children if m is not None)
        return out

    def origin(self, expr: Any, default: SourceSpan, depth: int = 0) -> SourceSpan:
        """Where the decisive value of ``expr`` was written: for ``var.x`` (or a part of it)
        passed in by a module call, the caller's argument (recursively); for one nobody sets,
        the variable's ``default``; for a ``local.y`` that only renames such a value or a
        literal, that; so findings point where users edit, not at a pass-through."""
        local = _local_of(expr)
        if local is not None and local in self.locals and depth < 8:
            attr, f = self.locals[local]
            if isinstance(attr.expr, Lit):
                return SourceSpan(f.path, attr.line, attr.end_line)
            return self.origin(attr.expr, default, depth + 1)
        name = _variable_of(expr)
        if name is not None:
            found = self.input_origins.get(name)
            if found is not None:
                return found
            if name not in self.inputs and name in self.variables:
                block, f = self.variables[name]
                written = block.body.attributes.get("default")
                if written is not None:
                    return SourceSpan(f.path, written.line, written.end_line)
        return default


def _local_of(expr: Any) -> str | None:
    """``y`` for a bare ``local.y``."""
    if isinstance(expr, GetAttr) and isinstance(expr.obj, Name) and expr.obj.name == "local":
        return expr.name
    return None


def _variable_of(expr: Any) -> str | None:
    """``x`` for ``var.x``, ``var.x.ttl`` or ``var.x["k"].ttl``: a part of one variable, whose
    value is written where the variable is set."""
    while isinstance(expr, (GetAttr, Index)):
        if isinstance(expr, GetAttr) and isinstance(expr.obj, Name) and expr.obj.name == "var":
            return expr.name
        expr = expr.obj
    return None


class _Root:
    """Variable defaults may only be literals; they see no other names."""

    def __init__(self, module: ModuleInstance):
        self.module = module

    def lookup(self, name: str) -> Any:
        return UNKNOWN


class _Namespace:
    def __init__(self, resolve: Callable[[str], Any]):
        self.resolve = resolve

    def attribute(self, name: str) -> Any:
        return self.resolve(name)


class _ModuleRef:
    def __init__(self, module: ModuleInstance):
        self.module = module

    def attribute(self, name: str) -> Any:
        out = self.module.outputs.get(name)
        if out is None or "value" not in out[0].body.attributes:
            return UNKNOWN
        return evaluate(out[0].body.attributes["value"].expr, self.module)


class _ResourceRef:
    """``aws_x.y``: arguments written in its block evaluate; computed attributes stay symbols."""

    def __init__(self, module: ModuleInstance, block: Block, address: str, scope: Any):
        self.module, self.block, self.address, self.scope = module, block, address, scope

    def attribute(self, name: str) -> Any:
        attr = self.block.body.attributes.get(name)
        if attr is not None and name not in ("count", "for_each"):
            value = evaluate(attr.expr, self.scope)
            if is_known(value):
                return value
        return Symbol(self.address, name)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _ResourceRef) and other.address == self.address

    def __hash__(self) -> int:
        return hash(self.address)


# --- evaluated bodies ---------------------------------------------------------------------------


def evaluate_body(body: Body, scope: Any, module: ModuleInstance, path: str, line: int,
                  end_line: int, depth: int = 0) -> EvalBody:
    out = EvalBody(SourceSpan(path, line, end_line), scope=scope)
    for name, attr in body.attributes.items():
        out.values[name] = evaluate(attr.expr, scope)
        out.exprs[name] = attr.expr
        out.origins[name] = module.origin(attr.expr, SourceSpan(path, attr.line, attr.end_line))
    if depth > 16:
        return out
    for block in body.blocks:
        if block.type == "dynamic" and block.labels:
            _expand_dynamic(block, scope, module, path, out, depth)
            continue
        out.blocks.setdefault(block.type, []).append(
            evaluate_body(block.body, scope, module, path, block.line, block.end_line, depth + 1))
    return out


def _expand_dynamic(block: Block, scope: Any, module: ModuleInstance, path: str, out: EvalBody,
                    depth: int) -> None:
    name = block.labels[0]
    attrs = block.body.attributes
    iterator = name
    if "iterator" in attrs and isinstance(attrs["iterator"].expr, Name):
        iterator = attrs["iterator"].expr.name
    content = next((b for b in block.body.blocks if b.type == "content"), None)
    if content is None or "for_each" not in attrs:
        return
    coll = evaluate(attrs["for_each"].expr, scope)
    if isinstance(coll, list):
        items = list(enumerate(coll))
    elif isinstance(coll, dict):
        items = list(coll.items())
    else:
        # Unknown collection: the block may or may not exist; evaluate once with unknown values
        # so that its known arguments are still seen, and mark it as conditional.
        inner = overlay(scope, {iterator: {"key": UNKNOWN, "value": UNKNOWN}})
        body = evaluate_body(content.body, inner, module, path, content.line, content.end_line,
                             depth + 1)
        body.conditional = True
        out.blocks.setdefault(name, []).append(body)
        return
    for key, value in items[:MAX_INSTANCES]:
        inner = overlay(scope, {iterator: {"key": key, "value": value}})
        out.blocks.setdefault(name, []).append(
            evaluate_body(content.body, inner, module, path, content.line, content.end_line,
                          depth + 1))


def has_configuration(directory: str) -> bool:
    """Whether a folder holds Terraform files (a module source that is present)."""
    try:
        return any(n.endswith((".tf", ".tf.json")) for n in os.listdir(directory))
    except OSError:
        return False


def module_source_dir(base: str, source: Any) -> str | None:
    if not isinstance(source, str) or not source.startswith(("./", "../")):
        return None
    return os.path.normpath(os.path.join(base, source))
