"""Checks of application code joined to the infrastructure (cachelint.code): each yields a Hit
on the code line (a CodeSite), naming the resource the line is linked to."""

from __future__ import annotations

import re
from collections.abc import Iterator

from cachelint.catalogue import Severity
from cachelint.code import clients
from cachelint.code.linking import CodeSite, Links, consistent_read
from cachelint.code.model import Call, CodeFile, Value
from cachelint.engine import Context, Hit
from cachelint.model import (
    DEFAULT_MAXMEMORY_POLICY, CacheCluster, CacheParameterGroup, DaxCluster,
)
from cachelint.values import UNKNOWN

_LINKS: list = []  # (inventory, Links) of the last inventory checked


def links(ctx: Context) -> Links:
    """The lookups of this scan's inventory, built once for every check."""
    if not _LINKS or _LINKS[0][0] is not ctx.inventory:
        _LINKS[:] = [(ctx.inventory, Links(ctx.inventory))]
    return _LINKS[0][1]


def _calls(ctx: Context, *kinds: str) -> Iterator[tuple[CodeFile, Call, object]]:
    for file in ctx.inventory.code:
        for call in file.calls:
            binding = file.binding(call.receiver)
            if binding is not None and binding.client in kinds:
                yield file, call, binding


# --- CL601: a key written without expiry -----------------------------------------------------

_EXPIRY_WORDS = {"ex", "px", "exat", "pxat", "keepttl", "expiration", "expire", "expiry", "ttl"}
_EXPIRES = {"expire", "pexpire", "expireat", "pexpireat", "Expire", "PExpire", "ExpireAt",
            "PExpireAt", "expireAt", "pexpireAt", "touch"}
_HASH_WRITES = {"hset", "hmset", "hSet", "hmSet", "HSet", "HMSet"}


def _zero(value: Value | None) -> bool:
    return value is None or value.kind == "none" or value.literal == 0


def no_expiry(file: CodeFile, call: Call, library: str) -> bool:
    """Whether a ``set`` writes its key with no expiry, as written (unknown: False)."""
    lang, args = file.language, call.args
    if library in ("pymemcache", "pylibmc"):
        v = call.kwarg("expire") or call.kwarg("time") or (args[2] if len(args) > 2 else None)
        return _zero(v)
    if library == "memjs":
        # memjs takes the client's default expiry where the call gives none: only an explicit
        # `expires: 0` is known to mean never.
        opts = args[2] if len(args) > 2 else None
        return opts is not None and opts.kind == "object" and \
            opts.field("expires") is not None and _zero(opts.field("expires"))
    if library == "gomemcache":
        item = args[0] if args else None
        return item is not None and item.kind == "object" and _zero(item.field("Expiration"))
    if lang == "python":
        if any(k in _EXPIRY_WORDS and v.kind != "none" for k, v in call.kwargs):
            return False
        if any(k.startswith("**") for k, _ in call.kwargs) or \
                any(a.kind == "other" and a.text.startswith("*") for a in args):
            return False
        return len(args) == 2 or (len(args) > 2 and all(a.kind == "none" for a in args[2:4]))
    if lang == "go":
        return len(args) == 4 and args[3].kind == "num" and args[3].literal == 0
    if lang == "javascript":
        # More than two arguments: an option argument may set EX/PX (unknown unless read).
        return len(args) == 2
    if lang == "java":
        return len(args) == 2
    return False


def read_through(file: CodeFile, call: Call, kind: str) -> Call | None:
    """The cache read that makes ``call`` (a write) the refill of a read-through (cache-aside)
    flow, or None: a read of the same key, or a key of the same shape (``f"user:{id}"`` and
    ``"user:" + uid``), earlier in a block that holds the write (the write is reached after
    the read, on its miss path or after it), in a function, with a computed value written (not
    a constant). A write with no such read uses the client as a store (a queue, a counter, a
    session, a connectivity check), which decides its own lifetime."""
    if call.scope == 0:
        return None
    args = _plain_args(call)
    if not args:
        return None
    skip = len(call.args) - len(args)  # a Go context
    # set(key, value, ...); hset(key, field, value): the value is a literal of the call
    written = 1 if call.method in ("set", "Set") else len(args) - 1
    if written > 0 and written + skip in call.literals:
        return None  # a constant written: a flag or a connectivity check, not a loaded value
    shape = _key_shape(args[0])
    for other in file.calls:
        if other.method not in clients.CACHE_READS or not other.scope or not other.block or \
                not other.line < call.line or not other.block[0] <= call.line <= other.block[1]:
            continue
        b = file.binding(other.receiver)
        if b is None or b.client != kind:
            continue
        read = _plain_args(other)
        if read and shape is not None and _key_shape(read[0]) == shape:
            return other
    return None


def _plain_args(call: Call) -> tuple:
    """The arguments after a Go context."""
    args = call.args
    return args[1:] if args and args[0].text in ("ctx", "context") else args


_KEY_PREFIX = re.compile(r"""^[fFrRbB]*[`"']([^`"'{}$%]+)""")


def _key_shape(value: Value) -> tuple | None:
    """A key as written (a literal, a variable) or, for an expression that builds it, its
    literal prefix (``product:`` of ``f"product:{id}"`` and ``"product:" + id``)."""
    if value.kind in ("str", "name"):
        return value.kind, value.text
    if value.kind in ("other", "call"):
        m = _KEY_PREFIX.match(value.text)
        return ("prefix", m.group(1)) if m else ("other", value.text)
    return None


def _expired_later(file: CodeFile, call: Call) -> bool:
    key = key_argument(call)
    return any(o.method in _EXPIRES and key_argument(o) == key for o in file.calls)


def key_argument(call: Call) -> tuple[str, str] | None:
    """The key a cache call names: its first argument (after a Go `ctx`), as (kind, text)."""
    args = _plain_args(call)
    return (args[0].kind, args[0].text) if args else None


def missing_ttl(ctx: Context) -> Iterator[Hit]:
    lk = links(ctx)
    for file, call, binding in _calls(ctx, "redis", "memcached"):
        if call.method in ("set", "Set"):
            if not no_expiry(file, call, binding.library):
                continue
        elif call.method not in _HASH_WRITES:
            continue
        if _expired_later(file, call):
            continue  # an EXPIRE on the same key (a pipeline's set then expire)
        read = read_through(file, call, binding.client)
        if read is None:
            continue  # no read-through: a store, not a cache (issue 19)
        link = lk.resolve(file, binding.endpoint, CacheCluster)
        severity, why = _eviction(link.resource if link else None, binding.client)
        where = (f"; it writes to {link.resource.source.address} ({link.how}), {why}"
                 if link else "")
        yield Hit(CodeSite.at(file, call), severity=severity, details={
            "call": f"{call.receiver}.{call.method}", "library": binding.library,
            "get": read.line, "linked": where})


def _eviction(cache: CacheCluster | None, kind: str) -> tuple[Severity | None, str]:
    """Severity by the linked cache's eviction policy: keys without expiry fill a
    noeviction/volatile-* cache until writes fail (high); allkeys-* evicts them (low)."""
    if cache is None:
        return None, ""
    if cache.engine == "memcached" or kind == "memcached":
        return Severity.LOW, "which evicts least recently used items when full"
    if cache.deployment == "serverless" or cache.parameter_group is UNKNOWN:
        return None, ""
    group = cache.parameter_group
    policy = DEFAULT_MAXMEMORY_POLICY if group is None else (
        group.maxmemory_policy if isinstance(group, CacheParameterGroup) else UNKNOWN)
    if policy is None:
        policy = DEFAULT_MAXMEMORY_POLICY  # the group leaves it to the default
    if not isinstance(policy, str):
        return None, ""
    if policy == "noeviction" or policy.startswith("volatile-"):
        return Severity.HIGH, (f"whose maxmemory-policy {policy} never evicts keys without a "
                               f"TTL, so they fill memory until writes fail")
    if policy.startswith("allkeys-"):
        return Severity.LOW, f"whose maxmemory-policy {policy} evicts them when memory is full"
    return None, ""


def keys_without_ttl(ctx: Context, caches: list) -> list[str]:
    """``path:line`` of code that writes keys without expiry into one of ``caches``."""
    if not ctx.inventory.code:
        return []
    lk = links(ctx)
    out = []
    for hit in missing_ttl(ctx):
        site = hit.resource
        binding = site.file.binding(site.call.receiver)
        link = lk.resolve(site.file, binding.endpoint, CacheCluster)
        if link is not None and any(link.resource is c for c in caches):
            out.append(f"{site.file.path}:{site.call.line}")
    return out


def volatile_policy_evidence(group: CacheParameterGroup, ctx: Context) -> dict:
    """CL302's message details: the code lines that write keys without a TTL into a cache
    using ``group`` ("" where there are none, or no code)."""
    users = [c for c in ctx.inventory.of(CacheCluster) if c.parameter_group is group]
    lines = keys_without_ttl(ctx, users) if users else []
    if not lines:
        return {"code": ""}
    shown = ", ".join(lines[:3]) + (f" and {len(lines) - 3} more" if len(lines) > 3 else "")
    return {"code": f" Linked application code does write keys without a TTL: {shown}."}


# --- CL602-CL604: DAX ---------------------------------------------------------------------------

def _reads(ctx: Context, kind: str) -> Iterator[tuple[CodeFile, Call, object]]:
    for file, call, binding in _calls(ctx, kind):
        if call.method in clients.DYNAMO_READS or (
                call.method == "send" and call.args and call.args[0].kind == "call" and
                clients.DYNAMO_READ_COMMANDS.search(call.args[0].text)):
            if call.method == "get" and file.language == "python":
                continue  # not a DynamoDB operation in boto3
            yield file, call, binding


# Transactional reads: DAX passes them to DynamoDB and does not cache them (aws-facts C2).
_TRANSACT = frozenset({"transact_get_items", "TransactGetItems", "transactGetItems",
                       "transactGet"})


def dax_bypassed(ctx: Context) -> Iterator[Hit]:
    lk = links(ctx)
    for file, call, binding in _reads(ctx, "dynamodb"):
        if consistent_read(call) or call.method in _TRANSACT:
            continue  # DAX would pass a strongly consistent or transactional read through
        link = lk.table_of(file, binding, call)
        if link is None:
            continue
        clusters = lk.fronting(link.resource)
        if not clusters:
            continue
        yield Hit(CodeSite.at(file, call), details={
            "call": f"{call.receiver}.{call.method}", "library": binding.library,
            "table": link.resource.source.address, "how": link.how,
            "cluster": ", ".join(c.source.address for c in clusters)})


def table_readers(ctx: Context, table, kind: str) -> list[str]:
    """``path:line`` of the reads of ``table`` made through a ``kind`` client (dynamodb: the
    lines that must swap to the DAX client; dax: those that already read through DAX)."""
    if not ctx.inventory.code:
        return []
    lk = links(ctx)
    out = []
    for file, call, binding in _reads(ctx, kind):
        link = lk.table_of(file, binding, call)
        if link is not None and link.resource is table:
            out.append(f"{file.path}:{call.line}")
    return out


def dax_consistent_read(ctx: Context) -> Iterator[Hit]:
    lk = links(ctx)
    for file, call, binding in _reads(ctx, "dax"):
        if consistent_read(call):
            how = "with ConsistentRead = true"
        elif call.method in _TRANSACT:
            how = "as a transaction (TransactGetItems)"
        else:
            continue
        link = lk.resolve(file, binding.endpoint, DaxCluster)
        yield Hit(CodeSite.at(file, call), details={
            "call": f"{call.receiver}.{call.method}", "library": binding.library, "how": how,
            "cluster": f" of {link.resource.source.address}" if link else ""})


def dax_table_not_served(ctx: Context) -> Iterator[Hit]:
    lk = links(ctx)
    for file, call, binding in _reads(ctx, "dax"):
        table = lk.table_of(file, binding, call)
        cluster = lk.resolve(file, binding.endpoint, DaxCluster)
        if table is None or cluster is None:
            continue
        dax = cluster.resource
        if dax.any_table is not False or not dax.tables:
            continue  # the role grants every table, or cannot be read: unknown
        if any(t is table.resource for t in dax.tables):
            continue
        yield Hit(CodeSite.at(file, call), details={
            "call": f"{call.receiver}.{call.method}", "table": table.resource.source.address,
            "how": table.how, "cluster": dax.source.address, "cluster_how": cluster.how})
