"""Code joined to infrastructure the way a reader joins it: a value the code uses (a table name,
an endpoint) is a literal, or an environment variable that a Lambda function or ECS task sets
from a resource (``TABLE = aws_dynamodb_table.orders.name``, ``!Ref OrdersTable``,
``!GetAtt Dax.ClusterDiscoveryEndpoint``). The function is the one whose source holds the file
(CodeUri, archive_file source_dir); where none does, every function that sets the variable,
if they all point at the same resource. Anything else stays unknown: no link, no finding."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

from cachelint.code.model import Binding, Call, CodeFile, Value
from cachelint.model import (
    CacheCluster, DaxCluster, DynamoTable, Function, Inventory, Location, Resource, Source,
    SourceKind,
)
from cachelint.values import Symbol


@dataclass(frozen=True)
class CodeSite(Resource):
    """A line of application code a finding points at (not deployed: never in an inventory)."""

    kind = "code.call"
    file: CodeFile | None = field(default=None, compare=False)
    call: Call | None = None

    @classmethod
    def at(cls, file: CodeFile, call: Call) -> CodeSite:
        where = Location(file.path, call.line, call.line)
        return cls(source=Source(f"{file.path}:{call.line}", f"code:{file.language}", where,
                                 kind=SourceKind.CODE),
                   file=file, call=call)


@dataclass(frozen=True)
class Link:
    resource: Resource
    how: str  # "TABLE_NAME of function orders-api", "a literal name"


class Links:
    """Lookups from code values to the inventory's resources, built once per inventory."""

    def __init__(self, inventory: Inventory):
        self.functions = inventory.of(Function)
        self.tables = inventory.of(DynamoTable)
        self.caches = inventory.of(CacheCluster)
        self.dax = inventory.of(DaxCluster)
        self._resources = self.tables + self.caches + self.dax

    def functions_of(self, file: CodeFile) -> list[Function]:
        """The functions whose source holds ``file``."""
        full = os.path.abspath(file.path)
        return [f for f in self.functions for p in f.code_paths
                if full == p or full.startswith(p.rstrip(os.sep) + os.sep)]

    def _env(self, file: CodeFile, name: str) -> list[tuple[Function, Any]]:
        owners = self.functions_of(file)
        setting = [(f, f.environment[name]) for f in (owners or self.functions)
                   if isinstance(f.environment, dict) and name in f.environment]
        return setting

    def resolve(self, file: CodeFile, value: Value | None, kind: type) -> Link | None:
        """The ``kind`` resource a code value names, or None (unknown)."""
        if value is None:
            return None
        if value.kind == "str":
            found = self._by_text(value.text, kind)
            return Link(found, f"the literal {value.text!r}") if found is not None else None
        if value.kind != "env":
            return None
        links = []
        for fn, raw in self._env(file, value.text):
            found = self._by_symbol(raw, kind) if isinstance(raw, Symbol) else (
                self._by_text(raw, kind) if isinstance(raw, str) else None)
            if found is None:
                return None  # one function sets it to something else: not one resource
            links.append((fn, found))
        if not links or len({id(r) for _, r in links}) != 1:
            return None
        names = ", ".join(sorted({_name(fn) for fn, _ in links}))
        return Link(links[0][1], f"environment variable {value.text} of {names}")

    def _by_symbol(self, symbol: Symbol, kind: type) -> Resource | None:
        for res in self._resources:
            if isinstance(res, kind) and _same_address(res.source.address, symbol.address):
                return res
        return None

    def _by_text(self, text: str, kind: type) -> Resource | None:
        """A table by its name; a cache or DAX cluster by its endpoint's first label."""
        if kind is DynamoTable:
            found = [t for t in self.tables if t.name == text]
        else:
            host = re.sub(r"^[a-z]+://", "", text).split(":")[0]
            label = host.split(".")[0] if "." in host else ""
            found = [r for r in (self.caches if kind is CacheCluster else self.dax)
                     if isinstance(r.name, str) and r.name == label]
        return found[0] if len(found) == 1 else None

    def table_of(self, file: CodeFile, binding: Binding, call: Call) -> Link | None:
        return self.resolve(file, table_value(binding, call), DynamoTable)

    def fronting(self, table: DynamoTable) -> list[DaxCluster]:
        return [d for d in self.dax if any(t is table for t in d.tables)]


def _same_address(address: str, wanted: str) -> bool:
    # A reference inside a module names the resource without the module's prefix.
    return address == wanted or address.endswith("." + wanted) or \
        address.split("[")[0] == wanted


def _name(fn: Function) -> str:
    return fn.name if isinstance(fn.name, str) and fn.name else fn.source.address


_TABLE_KEYS = ("TableName", "tableName", "table_name")


def table_value(binding: Binding, call: Call) -> Value | None:
    """The table a read names: its TableName parameter (keyword, object, struct or builder
    field), else the table handle's (``dynamodb.Table(name)``)."""
    for key in _TABLE_KEYS:
        v = call.kwarg(key)
        if v is not None:
            return v
    for arg in call.args:
        found = _field(arg, "TableName")
        if found is not None:
            return found
    return binding.table


def _field(value: Value, key: str) -> Value | None:
    if value.kind in ("object", "call"):
        direct = value.field(key)
        if direct is not None:
            return direct
        for _, inner in value.fields:  # new GetItemCommand({...}) inside send(...)
            if inner.kind in ("object", "call"):
                found = inner.field(key)
                if found is not None:
                    return found
    return None


def consistent_read(call: Call) -> bool:
    """Whether a read asks for strong consistency with a literal true."""
    v = call.kwarg("ConsistentRead")
    if v is None:
        for arg in call.args:
            v = _field(arg, "ConsistentRead")
            if v is not None:
                break
    return v is not None and v.literal is True
