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


@dataclass(frozen=True)
class ManagedOriginRequestPolicy:
    id: str
    name: str
    cookies: str  # "all" or "none": what matters for per-viewer responses


# (AWS docs: using-managed-origin-request-policies; docs/aws-facts.md, CloudFront 1)
MANAGED_ORIGIN_REQUEST_POLICIES = (
    ManagedOriginRequestPolicy("216adef6-5c7f-47e4-b989-5492eafa07d3", "Managed-AllViewer", "all"),
    ManagedOriginRequestPolicy("33f36d7e-f396-46d9-90e0-52428a34d9dc",
                               "Managed-AllViewerAndCloudFrontHeaders-2022-06", "all"),
    ManagedOriginRequestPolicy("b689b0a8-53d0-40ab-baf2-68738e2966ac",
                               "Managed-AllViewerExceptHostHeader", "all"),
    ManagedOriginRequestPolicy("88a5eaf4-2fd4-4709-b370-b4c650ea3fcf", "Managed-CORS-S3Origin",
                               "none"),
    ManagedOriginRequestPolicy("59781a5b-3903-41f3-afcb-af62929ccde1",
                               "Managed-CORS-CustomOrigin", "none"),
    ManagedOriginRequestPolicy("acba4595-bd28-49b8-b9fe-13317c0390fa",
                               "Managed-UserAgentRefererHeaders", "none"),
    ManagedOriginRequestPolicy("775133bc-15f2-49f9-abea-afb2e0bf67d2",
                               "Managed-Elemental-MediaTailor-PersonalizedManifests", "none"),
    ManagedOriginRequestPolicy("bf0718e1-ba1e-49d1-88b1-f726733018ae", "Managed-HostHeaderOnly",
                               "none"),
)
ORP_BY_ID = {p.id: p for p in MANAGED_ORIGIN_REQUEST_POLICIES}
ORP_BY_NAME = {p.name: p for p in MANAGED_ORIGIN_REQUEST_POLICIES}
ORP_BY_NAME.update({p.name.removeprefix("Managed-"): p for p in MANAGED_ORIGIN_REQUEST_POLICIES})


def lookup_origin_request(id_or_name: str) -> ManagedOriginRequestPolicy | None:
    return ORP_BY_ID.get(id_or_name) or ORP_BY_NAME.get(id_or_name)
