"""API Gateway checks a declarative condition cannot express."""

from __future__ import annotations

from typing import Iterator

from cachelint.engine import Context, Hit
from cachelint.model import ApiMethod

# Request values that identify the caller when they are part of the cache key.
_IDENTITY_HINTS = ("authorization", "x-api-key", "cookie", "x-user", "x-amz-security-token")


def cache_key_missing_identity(method: ApiMethod, ctx: Context) -> Iterator[Hit]:
    """A cached, authorized method whose cache key lacks the authorizer's identity source."""
    if method.caching_enabled is not True or method.requires_authorization is not True:
        return
    keys = method.cache_key_parameters
    if not isinstance(keys, tuple):
        return  # the key could not be read: unknown is not false
    identity = method.authorizer_identity_sources or ("method.request.header.Authorization",)
    wanted = {s.lower() for s in identity}
    lowered = {k.lower() for k in keys}
    if wanted & lowered:
        return
    if any(h in k for k in lowered for h in _IDENTITY_HINTS):
        return
    yield Hit(method, "cache_key_parameters", {"identity": ", ".join(identity)})
