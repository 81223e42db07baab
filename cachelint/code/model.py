"""What cachelint keeps of one source file of application code: plain frozen dataclasses, so a
parsed file is cached as JSON by the same parse cache as Terraform (no tree is kept)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Value:
    """An expression as far as a rule needs it. ``kind``: str, num, bool, none, name (a variable
    not resolved to a constant), env (an environment variable: ``text`` is its name), object (a
    keyword list, object or struct literal: ``fields``), call (``text`` the callee) or other."""

    kind: str
    text: str = ""
    fields: tuple = ()  # ((key, Value), ...) for object; the arguments for call

    def field(self, key: str) -> Value | None:
        """A field by name, case-insensitively (TableName, tableName, table_name)."""
        want = key.replace("_", "").lower()
        for k, v in self.fields:
            if k.replace("_", "").lower() == want:
                return v
        return None

    @property
    def literal(self) -> object:
        """The Python value of a literal, else None."""
        if self.kind == "str":
            return self.text
        if self.kind == "num":
            try:
                return float(self.text.rstrip("lLfF").replace("_", ""))
            except ValueError:
                return None
        if self.kind == "bool":
            return self.text.lower() == "true"
        return None


@dataclass(frozen=True)
class Binding:
    """A variable (or attribute, ``self.x``) that holds a client constructed in this file."""

    name: str
    client: str  # redis, memcached, dax, dynamodb (see clients.KINDS)
    library: str  # the package it is constructed from (redis, ioredis, amazondax, ...)
    line: int
    table: Value | None = None  # a table handle (boto3 Table, DocumentClient params)
    endpoint: Value | None = None  # the host/endpoint/url argument, where one is given


@dataclass(frozen=True)
class Call:
    """A method called on a bound client."""

    line: int
    receiver: str  # the binding's name
    method: str
    args: tuple = ()  # Values, positional
    kwargs: tuple = ()  # ((name, Value), ...), Python keyword arguments
    scope: int = 0  # the line of the enclosing function (0: module level)
    # inside a try body whose handler does not fail anyway (JavaScript: a promise with .catch;
    # Go: a read whose error is not handed back)
    guarded: bool = False
    # The lines (first, last) of the innermost block holding the call, a try body excepted
    # (the block around the try): a write in that range is reached after this read.
    block: tuple = ()
    literals: tuple = ()  # positions of the arguments written as literals in the call

    def kwarg(self, name: str) -> Value | None:
        return next((v for k, v in self.kwargs if k == name), None)


@dataclass(frozen=True)
class CodeFile:
    path: str  # as displayed
    language: str
    imports: tuple = ()  # module names and paths imported
    bindings: tuple = ()  # Binding
    calls: tuple = ()  # Call on a binding
    env: tuple = ()  # names of the environment variables the file reads
    memos: tuple = ()  # Memo: results kept in the process (lru_cache, module-level dict)
    loads: tuple = ()  # Load: calls that read a source of data (database, HTTP, DynamoDB)

    def binding(self, name: str) -> Binding | None:
        return next((b for b in reversed(self.bindings) if b.name == name), None)


@dataclass(frozen=True)
class Memo:
    """A function's results kept in the process with no expiry: ``how`` is lru_cache, cache
    (functools), module-dict (a write into a module-level dict) or module-map (a JS Map)."""

    line: int
    name: str  # the decorated function, or the dict/Map written
    scope: int  # the line of the function whose results are kept
    how: str


@dataclass(frozen=True)
class Load:
    """A call that reads a source of data by its method name (execute, query, fetch...)."""

    line: int
    scope: int
    callee: str


NODE_TYPES = (Value, Binding, Call, CodeFile, Memo, Load)
