"""API Gateway checks a declarative condition cannot express."""

from __future__ import annotations

from collections.abc import Iterator

from cachelint.engine import Context, Hit
from cachelint.model import NON_IDEMPOTENT_METHODS, ApiMethod, ApiMethodSettings

# Request values that identify the caller when they are part of the cache key.
_IDENTITY_HINTS = ("authorization", "x-api-key", "cookie", "x-user", "x-amz-security-token")
# Key parameters that carry the request body (a client-sent hash of it, an idempotency key).
_BODY_HINTS = ("hash", "digest", "checksum", "body", "idempotency")
_DEFAULT_IDENTITY = "method.request.header.Authorization"


def _identity_in(keys: tuple, identity: tuple = ()) -> bool:
    lowered = {k.lower() for k in keys}
    return bool({s.lower() for s in identity} & lowered) or any(
        h in k for k in lowered for h in _IDENTITY_HINTS)


def cache_key_missing_identity(method: ApiMethod, ctx: Context) -> Iterator[Hit]:
    """A cached, authorized method whose cache key lacks the authorizer's identity source."""
    if method.caching_enabled is not True or method.requires_authorization is not True:
        return
    keys = method.cache_key_parameters
    if not isinstance(keys, tuple):
        return  # the key could not be read: unknown is not false
    identity = method.authorizer_identity_sources or (_DEFAULT_IDENTITY,)
    if _identity_in(keys, identity):
        return
    if str(method.authorization).upper() == "AWS_IAM":
        # A SigV4 Authorization header carries a signature over the request time: as a key
        # it would make every request a miss, so it is not the advice for IAM.
        advice = ("A SigV4 Authorization header changes on every request, so keying on it "
                  "would make the cache never hit: cache only responses that are the same for "
                  "every caller, or turn caching off for this method.")
    else:
        advice = (f"Add {', '.join(identity)} to its cache key parameters, or turn caching "
                  "off for this method.")
    yield Hit(method, "cache_key_parameters", {"identity": ", ".join(identity),
                                               "advice": advice})


def non_idempotent_cached(entry: ApiMethodSettings, ctx: Context) -> Iterator[Hit]:
    """Caching switched on for a POST, PUT, PATCH or DELETE method, said as it happens: what
    the cache key holds decides who gets whose response. A method whose cache key holds a
    request-body field (an integration parameter mapped from ``method.request.body``) is a
    read by design: only a repeat of the same body is answered from the cache."""
    if entry.http_method not in NON_IDEMPOTENT_METHODS or entry.caching_enabled is not True \
            or entry.caches_nothing is not False:
        return
    governed = [m for m in ctx.inventory.of(ApiMethod) if m.settings is entry]
    body_keyed = [m for m in governed if isinstance(m.body_key_parameters, tuple)
                  and m.body_key_parameters]
    if governed and len(body_keyed) == len(governed):
        return  # every method it governs keys its cache on the request body
    plain = [m for m in governed if m.body_key_parameters == ()
             and isinstance(m.cache_key_parameters, tuple)]
    first = ("a request whose cache key matches an earlier one within the TTL is answered "
             "from the cache and never reaches the backend, so its write is not performed")
    if not plain:
        # No method is known to key on something other than the body: its methods, their
        # keys or their mappings could not be read, so nothing is claimed about the body.
        yield Hit(entry, None, {"consequence": (
            f"{first}; unless its cache key holds a request-body field (an integration "
            "parameter mapped from method.request.body), a write with another body but the "
            "same key gets the response to the first one.")})
        return
    keys = tuple(dict.fromkeys(k for m in plain for k in m.cache_key_parameters))
    body = [k for k in keys if any(h in k.lower() for h in _BODY_HINTS)]
    if body:
        detail = (f"its key holds {', '.join(body)}, so only a repeat of the same body is "
                  "answered from the cache")
    else:
        shown = ", ".join(keys) if keys else "the path only"
        detail = (f"the request body is not part of its key ({shown}), so a write with "
                  "another body gets the response to the first one")
    identity = {s for m in plain for s in m.authorizer_identity_sources}
    if not _identity_in(keys, tuple(identity)):
        detail += ", even when another caller sent it"
    if body_keyed:
        detail += (f"; a request-body field is in the cache key of {_routes(body_keyed)} "
                   f"but not in that of {_routes(plain)}")
    yield Hit(entry, None, {"consequence": f"{first}; {detail}."})


def _routes(methods: list[ApiMethod]) -> str:
    return ", ".join(dict.fromkeys(f"{m.route} ({m.stage})" for m in methods))
