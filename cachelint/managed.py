"""CloudFront managed cache policies, by id and by name (AWS docs: using-managed-cache-policies).

Every source resolves a managed policy id or name through this one table.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ManagedPolicy:
    id: str
    name: str
    min_ttl: int
    default_ttl: int
    max_ttl: int
    headers: tuple[str, tuple[str, ...]]
    cookies: tuple[str, tuple[str, ...]]
    query_strings: tuple[str, tuple[str, ...]]


_NONE: tuple[str, tuple[str, ...]] = ("none", ())
_ORIGIN_HEADERS = ("Host", "Origin", "X-HTTP-Method-Override", "X-HTTP-Method",
                   "X-Method-Override")

MANAGED_CACHE_POLICIES = (
    ManagedPolicy("658327ea-f89d-4fab-a63d-7e88639e58f6", "Managed-CachingOptimized",
                  1, 86400, 31536000, _NONE, _NONE, _NONE),
    ManagedPolicy("b2884449-e4de-46a7-ac36-70bc7f1ddd6d",
                  "Managed-CachingOptimizedForUncompressedObjects",
                  1, 86400, 31536000, _NONE, _NONE, _NONE),
    ManagedPolicy("4135ea2d-6df8-44a3-9df3-4b5a84be39ad", "Managed-CachingDisabled",
                  0, 0, 0, _NONE, _NONE, _NONE),
    ManagedPolicy("08627262-05a9-4f76-9ded-b50ca2e3a84f", "Managed-Elemental-MediaPackage",
                  0, 86400, 31536000, ("whitelist", ("Origin",)), _NONE,
                  ("whitelist", ("aws.manifestfilter", "end", "m", "start"))),
    ManagedPolicy("2e54312d-136d-493c-8eb9-b001f22f67d2", "Managed-Amplify",
                  2, 2, 600,
                  ("whitelist", ("Authorization", "CloudFront-Viewer-Country", "Host")),
                  ("all", ()), ("all", ())),
    ManagedPolicy("83da9c7e-98b4-4e11-a168-04f0df8e2c65", "UseOriginCacheControlHeaders",
                  0, 0, 31536000, ("whitelist", _ORIGIN_HEADERS), ("all", ()), _NONE),
    ManagedPolicy("4cc15a8a-d715-48a4-82b8-cc0b614638fe",
                  "UseOriginCacheControlHeaders-QueryStrings",
                  0, 0, 31536000, ("whitelist", _ORIGIN_HEADERS), ("all", ()), ("all", ())),
)

BY_ID = {p.id: p for p in MANAGED_CACHE_POLICIES}
BY_NAME = {p.name: p for p in MANAGED_CACHE_POLICIES}
# CloudFormation and the console also name them without the "Managed-" prefix.
BY_NAME.update({p.name.removeprefix("Managed-"): p for p in MANAGED_CACHE_POLICIES})


def lookup(id_or_name: str) -> ManagedPolicy | None:
    return BY_ID.get(id_or_name) or BY_NAME.get(id_or_name)
