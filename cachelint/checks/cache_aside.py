"""Checks of how application code uses a cache around its reads (CL605-CL607): the cache-aside
read that stampedes, the cache read whose failure fails the request, and the in-process memo
that never expires in a function that runs as many copies at once."""

from __future__ import annotations

from collections.abc import Iterator

from cachelint.catalogue import Severity
from cachelint.checks.code import key_argument, links, no_expiry
from cachelint.code import clients
from cachelint.code.linking import CodeSite
from cachelint.code.model import Call, CodeFile
from cachelint.engine import Context, Hit
from cachelint.model import ApiMethod, CacheCluster

# Single-key reads of a cache-aside function (a miss returns nothing).
_GETS = {"get", "Get", "GET", "getex", "get_many"}
_SETS = {"set", "Set", "SET", "setex", "SetEX", "SetEx", "psetex", "setEx"}
# A lock or single-flight around the load: SET NX, lock objects, libraries made for it.
_LOCK_METHODS = {"setnx", "SetNX", "setNX", "set_nx", "lock", "Lock", "acquire", "tryLock",
                 "setIfAbsent", "SetNxArgs", "getLock", "singleflight", "Do"}
_LOCK_IMPORTS = ("redlock", "pottery", "dogpile", "singleflight", "async-mutex", "redisson",
                 "aioredlock", "sherlock", "python_redis_lock", "redis_lock", "cachetools",
                 "p-memoize", "async-lock")
# Reading the remaining TTL to refresh ahead of expiry (early / probabilistic refresh).
_TTL_READS = {"ttl", "pttl", "TTL", "PTTL", "expiretime"}
_JITTER_WORDS = ("rand", "jitter", "uniform", "Math.random")


def _scope_calls(file: CodeFile, scope: int) -> list[Call]:
    return [c for c in file.calls if c.scope == scope]


def _client(file: CodeFile, call: Call) -> str | None:
    b = file.binding(call.receiver)
    return b.client if b is not None else None


def _has_lock(file: CodeFile, calls: list[Call]) -> bool:
    if any(lib in imp.lower() for imp in file.imports for lib in _LOCK_IMPORTS):
        return True
    for c in calls:
        if c.method in _LOCK_METHODS:
            return True
        words = [k.lower() for k, _ in c.kwargs] + [a.text.upper() for a in c.args]
        if c.method in _SETS and ("nx" in words or "NX" in words or
                                  any(a.kind == "object" and a.field("NX") for a in c.args)):
            return True
    return False


def _jittered(call: Call) -> bool:
    texts = [a.text for a in call.args] + [v.text for _, v in call.kwargs]
    texts += [f.text for a in call.args if a.kind == "object" for _, f in a.fields]
    return any(w.lower() in t.lower() for t in texts for w in _JITTER_WORDS)


def _source_read_between(file: CodeFile, scope: int, start: int, end: int) -> str | None:
    """A read of the data source in the function between two lines: a database or HTTP call
    (code.patterns), or a read on a DynamoDB or DAX client."""
    for load in file.loads:
        if load.scope == scope and start < load.line <= end:
            return load.callee
    for call in file.calls:
        if call.scope == scope and start < call.line <= end and _client(file, call) in (
                "dynamodb", "dax") and _is_dynamo_read(file, call):
            return f"{call.receiver}.{call.method}"
    return None


def _is_dynamo_read(file: CodeFile, call: Call) -> bool:
    if call.method == "get" and file.language == "python":
        return False
    return call.method in clients.DYNAMO_READS or (
        call.method == "send" and bool(call.args) and call.args[0].kind == "call"
        and bool(clients.DYNAMO_READ_COMMANDS.search(call.args[0].text)))


# --- CL605 --------------------------------------------------------------------------------------

def stampede_prone(ctx: Context) -> Iterator[Hit]:
    lk = links(ctx)
    for file in ctx.inventory.code:
        for s in file.calls:
            kind = _client(file, s)
            if kind not in ("redis", "memcached") or s.method not in _SETS or not s.scope:
                continue
            binding = file.binding(s.receiver)
            if s.method in ("set", "Set", "SET") and no_expiry(file, s, binding.library):
                continue  # no expiry at all: CL601's finding, not a synchronised expiry
            calls = _scope_calls(file, s.scope)
            key = key_argument(s)
            gets = [g for g in calls if g.method in _GETS and g.line < s.line
                    and _client(file, g) == kind and key_argument(g) == key]
            if not gets or key is None:
                continue
            load = _source_read_between(file, s.scope, gets[-1].line, s.line)
            if load is None or _has_lock(file, calls) or _jittered(s):
                continue
            if any(c.method in _TTL_READS for c in calls):
                continue  # refreshed ahead of expiry
            link = lk.resolve(file, binding.endpoint, CacheCluster)
            yield Hit(CodeSite.at(file, s), details={
                "call": f"{s.receiver}.{s.method}", "library": binding.library,
                "get": gets[-1].line, "load": load,
                "linked": f" ({link.resource.source.address}, {link.how})" if link else ""})


# --- CL606 --------------------------------------------------------------------------------------

def cache_outage(ctx: Context) -> Iterator[Hit]:
    lk = links(ctx)
    # Functions an API Gateway method calls: their code runs on a request path.
    behind: dict[str, str] = {}
    for m in ctx.inventory.of(ApiMethod):
        for target in m.integration_targets:
            behind.setdefault(target, m.route)
    for file in ctx.inventory.code:
        routes = sorted({behind[f.source.address] for f in lk.functions_of(file)
                         if f.source.address in behind})
        for g in file.calls:
            kind = _client(file, g)
            if kind not in ("redis", "memcached") or g.method not in clients.CACHE_READS:
                continue
            if g.guarded or not g.scope:
                continue
            if any(a.kind == "other" and ("=>" in a.text or "function" in a.text)
                   for a in g.args):
                continue  # a callback receives the error
            load = _source_read_between(file, g.scope, 0, 10**9)
            if load is None:
                continue  # no source read in the function: nothing to fall back to here
            binding = file.binding(g.receiver)
            yield Hit(CodeSite.at(file, g), severity=Severity.LOW if routes else None, details={
                "call": f"{g.receiver}.{g.method}", "library": binding.library,
                "load": load,
                "path": f" behind {', '.join(routes)}" if routes else ""})


# --- CL607 --------------------------------------------------------------------------------------

_LAMBDA_TYPES = ("aws_lambda_function", "AWS::Lambda::Function", "AWS::Serverless::Function")


def local_memo(ctx: Context) -> Iterator[Hit]:
    lk = links(ctx)
    for file in ctx.inventory.code:
        if not file.memos:
            continue
        lambdas = [f for f in lk.functions_of(file) if f.source.type in _LAMBDA_TYPES] or \
            _replicated_tasks(lk, file)
        if not lambdas:
            continue  # one process, or a service whose task count is not read: unknown
        for memo in file.memos:
            load = _source_read_between(file, memo.scope, 0, 10**9)
            if load is None:
                continue
            site = Call(memo.line, memo.name, memo.how, scope=memo.scope)
            yield Hit(CodeSite.at(file, site), details={
                "what": (f"@{memo.how} on {memo.name}()" if memo.how in ("lru_cache", "cache")
                         else f"the static map {memo.name}" if memo.how == "static-map"
                         else f"the module-level {memo.name}"),
                "load": load,
                "function": ", ".join(
                    f.source.address if f.replicas is None
                    else f"{f.source.address} ({f.replicas} tasks)" for f in lambdas)})


def _replicated_tasks(lk, file: CodeFile) -> list:
    """The ECS containers that run ``file``, where each runs in more than one task: those whose
    code path holds it, else those that set an environment variable the file reads, if every
    container setting one of them is known to run in a service of more than one task."""
    owners = [f for f in lk.functions_of(file) if f.source.type not in _LAMBDA_TYPES]
    if not owners and file.env:
        owners = [f for f in lk.functions if f.source.type not in _LAMBDA_TYPES and
                  isinstance(f.environment, dict) and any(n in f.environment for n in file.env)]
    if owners and all(isinstance(f.replicas, int) and f.replicas > 1 for f in owners):
        return owners
    return []
