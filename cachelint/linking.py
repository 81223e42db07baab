"""Source-agnostic derivations of the model: every loader declares what it read, and these
functions apply AWS semantics once (stage-wide settings flowing to methods, legacy CloudFront
cache keys, managed policies), so Terraform, CloudFormation and live AWS agree by construction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from cachelint import managed
from cachelint.model import (
    CLOUDFRONT_LEGACY_DEFAULT_TTL, CLOUDFRONT_LEGACY_MAX_TTL, ApiMethod, ApiMethodSettings,
    ApiStage, CacheBehavior, CachePolicy, EdgeFunction, KeySet, OriginRequestPolicy, Resource,
    Source,
)
from cachelint.values import UNKNOWN, Symbol

DEFAULT_IDENTITY_SOURCE = "method.request.header.Authorization"


# --- API Gateway ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MethodSpec:
    """A REST API method as its source declares it, before stages apply their settings."""

    source: Source
    api: str
    http_method: Any
    resource_path: Any
    authorization: Any = "NONE"
    identity_sources: tuple = ()
    cache_key_parameters: Any = ()


def method_path_parts(path: Any) -> tuple[Any, Any]:
    """``"users/{id}/GET"`` or ``"/~1users~1{id}/GET"`` -> (normalized path, verb)."""
    if not isinstance(path, str):
        return UNKNOWN, UNKNOWN
    path = path.replace("~1", "/")
    resource, _, verb = path.rpartition("/")
    resource = resource.strip("/")
    verb = verb.upper()
    if resource == "*":
        return f"*/{verb}", verb  # "*/*" (every method) or "*/GET" (every resource, one verb)
    return f"{resource}/{verb}", verb


def link_api(stages: list[ApiStage], settings: list[ApiMethodSettings],
             methods: list[MethodSpec], openapi_apis: set[str] = frozenset()) -> list[Resource]:
    """Stages, their settings entries, and each method's effective caching on each stage."""
    by_stage = {(s.api, s.name): s for s in stages}
    settings = [_link_stage(s, by_stage) for s in settings]
    stages = [_with_method_caching(s, settings) for s in stages]
    effective = [m for spec in methods for m in _per_stage(spec, stages, settings)]
    # Where every method of an API is declared (no OpenAPI body), whether a stage caches
    # anything is decided by its methods: a "*/*" setting caches nothing on an API of POSTs.
    stages = [s if s.api in openapi_apis else _with_known_methods(s, effective) for s in stages]
    return [*stages, *settings, *effective]


def _link_stage(ms: ApiMethodSettings, stages: dict) -> ApiMethodSettings:
    stage = stages.get((ms.api, ms.stage))
    if stage is None:
        return ms
    enabled = stage.cache_cluster_enabled
    return replace(ms, stage_cache_cluster_enabled=False if enabled is None else enabled)


def _with_method_caching(stage: ApiStage, settings: list[ApiMethodSettings]) -> ApiStage:
    mine = [s for s in settings if (s.api, s.stage) == (stage.api, stage.name)]
    flags = [s.caches for s in mine]
    if any(f is True for f in flags):
        caches: Any = True
    elif any(f is UNKNOWN for f in flags) or any(
            s.stage is UNKNOWN or s.api == "?" for s in settings):
        # Settings we cannot attribute to a stage might be this stage's.
        caches = UNKNOWN
    else:
        caches = False
    return replace(stage, any_method_caches=caches)


def _with_known_methods(stage: ApiStage, methods: list[ApiMethod]) -> ApiStage:
    mine = [m for m in methods if m.api == stage.api and m.stage == stage.name]
    if not mine or stage.any_method_caches is not True or stage.cache_cluster_enabled is not True:
        return stage
    flags = [m.caching_enabled for m in mine]
    if any(f is True for f in flags) or any(f is UNKNOWN for f in flags):
        return stage
    return replace(stage, any_method_caches=False)


def entry_for(settings: list[ApiMethodSettings], api: str, stage: Any, rpath: Any,
              verb: Any) -> ApiMethodSettings | None:
    """The settings entry that governs a method: its own override, else ``*/*`` for GET
    (API Gateway caches only GET methods unless a method's own settings say otherwise)."""
    mine = [s for s in settings if s.api == api and s.stage == stage]
    if isinstance(rpath, str) and isinstance(verb, str):
        want = f"{rpath.strip('/')}/{verb}".strip("/")
        for s in mine:
            if isinstance(s.method_path, str) and s.method_path.strip("/") == want:
                return s
        for s in mine:  # every resource, this verb
            if s.method_path == f"*/{verb}":
                return s
    if verb == "GET":
        for s in mine:
            if s.method_path == "*/*":
                return s
    return None


def _per_stage(spec: MethodSpec, stages: list[ApiStage],
               settings: list[ApiMethodSettings]) -> list[ApiMethod]:
    out = []
    for stage in [s for s in stages if s.api == spec.api]:
        entry = entry_for(settings, spec.api, stage.name, spec.resource_path, spec.http_method)
        caching: Any = False
        if entry is None and spec.http_method == "ANY":
            # Whether stage-wide caching covers GET requests to an ANY method is not
            # documented: unknown, so no rule relies on it either way.
            wide = entry_for(settings, spec.api, stage.name, None, "GET")
            caching = UNKNOWN if wide is not None and wide.caches is not False else False
        elif entry is not None:
            caching = entry.caches
            if caching is True and stage.cache_cluster_enabled is not True:
                caching = UNKNOWN if stage.cache_cluster_enabled is UNKNOWN else False
        fields = dict(spec.source.fields)
        if entry is not None:
            # The caching decision was written in the settings entry, not on the method.
            fields["caching_enabled"] = entry.source.locate("caching_enabled")
            fields["ttl"] = entry.source.locate("ttl")
        src = replace(spec.source, address=f"{spec.source.address}@{stage.name}", fields=fields)
        out.append(ApiMethod(
            source=src, api=spec.api, stage=stage.name, http_method=spec.http_method,
            resource_path=spec.resource_path,
            authorization=spec.authorization if spec.authorization is not None else "NONE",
            authorizer_identity_sources=spec.identity_sources,
            cache_key_parameters=spec.cache_key_parameters, caching_enabled=caching,
            ttl=entry.ttl if entry else None, settings=entry))
    return out


def identity_sources(authorization: Any, authorizer_type: Any = None,
                     identity_source: Any = None, has_authorizer: bool = False) -> tuple:
    """Request values that identify the caller for a method's authorizer."""
    if has_authorizer:
        if identity_source is None:
            return () if authorizer_type == "REQUEST" else (DEFAULT_IDENTITY_SOURCE,)
        if isinstance(identity_source, str):
            return tuple(p.strip() for p in identity_source.split(",") if p.strip())
        return ()
    if isinstance(authorization, str) and authorization.upper() in ("COGNITO_USER_POOLS",
                                                                     "CUSTOM"):
        return (DEFAULT_IDENTITY_SOURCE,)
    return ()


# --- CloudFront ----------------------------------------------------------------------------------


def managed_policy(value: Any, source: Source) -> CachePolicy | None:
    found = managed.lookup(value) if isinstance(value, str) else None
    if found is None:
        return None
    return CachePolicy(source=source, name=found.name, managed=True, min_ttl=found.min_ttl,
                       default_ttl=found.default_ttl, max_ttl=found.max_ttl,
                       headers=KeySet(*found.headers), cookies=KeySet(*found.cookies),
                       query_strings=KeySet(*found.query_strings))


def managed_origin_request_policy(value: Any) -> OriginRequestPolicy | None:
    found = managed.lookup_origin_request(value) if isinstance(value, str) else None
    if found is None:
        return None
    return OriginRequestPolicy(name=found.name, managed=True, cookies=KeySet(found.cookies))


def origin_request_policy(value: Any, custom: dict) -> Any:
    """A behaviour's origin request policy from its id: None where none is set, a custom one
    by reference or id, a managed one, else UNKNOWN."""
    if value is None or value == "":
        return None
    if isinstance(value, Symbol):
        return custom.get(value.address, UNKNOWN)
    if isinstance(value, str):
        return custom.get(value) or managed_origin_request_policy(value) or UNKNOWN
    return UNKNOWN


def edge_functions(lambdas: Any, functions: Any) -> Any:
    """Lambda@Edge and CloudFront Functions associations, each an (event type, ARN) pair;
    UNKNOWN where either list cannot be read."""
    if lambdas is UNKNOWN or functions is UNKNOWN:
        return UNKNOWN
    return tuple([EdgeFunction(e, "lambda@edge", a) for e, a in lambdas] +
                 [EdgeFunction(e, "cloudfront-function", a) for e, a in functions])


def legacy_cache_key(headers: Any, cookie_forward: Any, cookie_names: Any, query_string: Any,
                     query_keys: Any) -> tuple[KeySet, KeySet, KeySet]:
    """The cache key of legacy ``ForwardedValues``: ``*`` in headers means all headers."""
    if headers is UNKNOWN:
        h = KeySet(UNKNOWN)
    elif "*" in headers:
        h = KeySet("all")
    else:
        h = KeySet("whitelist" if headers else "none", tuple(headers))
    forward = cookie_forward if cookie_forward is not None else "none"
    c = KeySet(forward, tuple(cookie_names) if isinstance(cookie_names, (list, tuple)) else ())
    if query_string is UNKNOWN or query_keys is UNKNOWN:
        q = KeySet(UNKNOWN)
    elif query_string:
        q = KeySet("whitelist", tuple(query_keys)) if query_keys else KeySet("all")
    else:
        q = KeySet()
    return h, c, q


def origin_kind(domain: Any, s3_config: bool, custom_config: bool, oac: Any) -> str:
    """s3, apigateway, lambda-url, elb, custom or unknown, from what an origin declares."""
    if s3_config:
        return "s3"
    if isinstance(domain, str):
        d = domain.lower()
        if ".s3." in d or d.endswith(".s3.amazonaws.com") and "website" not in d:
            return "s3"
        if ".execute-api." in d:
            return "apigateway"
        if ".lambda-url." in d:
            return "lambda-url"
        if ".elb.amazonaws.com" in d:
            return "elb"
        return "custom"
    if oac not in (None, "", UNKNOWN) and not custom_config:
        return "s3"
    return "unknown"


def cache_behavior(*, source: Source, distribution: str, path_pattern: Any,
                   allowed_methods: Any, origin: Any, has_policy: Any, policy: Any,
                   has_forwarded_values: Any, legacy_key: tuple[KeySet, KeySet, KeySet],
                   min_ttl: Any, default_ttl: Any, max_ttl: Any,
                   ttls_written: bool, functions: Any = (),
                   origin_request: Any = None) -> CacheBehavior:
    """A behaviour's effective key and TTLs: from its cache policy if it has one (custom or
    managed), else from legacy ForwardedValues and TTLs with CloudFront's defaults.
    ``min_ttl``/``default_ttl``/``max_ttl`` are what the behaviour itself writes (None: unset)."""
    # TTLs chosen above 0: a minimum above 0, or a default TTL other than CloudFront's own
    # 86400 (which the live API reports whether or not anyone wrote it).
    written = [t for t in (min_ttl, default_ttl) if t is not None]
    if (isinstance(min_ttl, int) and min_ttl > 0) or (
            isinstance(default_ttl, int) and default_ttl not in (0, CLOUDFRONT_LEGACY_DEFAULT_TTL)):
        chosen: Any = True
    else:
        chosen = UNKNOWN if any(t is UNKNOWN for t in written) else False
    common = dict(source=source, distribution=distribution, path_pattern=path_pattern,
                  allowed_methods=allowed_methods, origin=origin, has_cache_policy_id=has_policy,
                  has_forwarded_values=has_forwarded_values, ttls_written=ttls_written,
                  functions=functions, origin_request_policy=origin_request,
                  ttls_chosen_above_zero=chosen if has_policy is False else False)
    if has_policy is UNKNOWN or (has_policy and not isinstance(policy, CachePolicy)):
        return CacheBehavior(policy=UNKNOWN, min_ttl=UNKNOWN, default_ttl=UNKNOWN,
                             max_ttl=UNKNOWN, headers=KeySet(UNKNOWN), cookies=KeySet(UNKNOWN),
                             query_strings=KeySet(UNKNOWN), **common)
    if has_policy:
        # TTLs and key come from the policy; point findings about them at the policy.
        for field in ("min_ttl", "default_ttl", "max_ttl", "headers", "cookies",
                      "query_strings"):
            source.fields[field] = source.locate("cache_policy_id") if policy.managed \
                else policy.source.locate(field)
        return CacheBehavior(policy=policy, min_ttl=policy.min_ttl,
                             default_ttl=policy.default_ttl, max_ttl=policy.max_ttl,
                             headers=policy.headers, cookies=policy.cookies,
                             query_strings=policy.query_strings, **common)
    headers, cookies, queries = legacy_key
    return CacheBehavior(
        policy=None, min_ttl=0 if min_ttl is None else min_ttl,
        default_ttl=CLOUDFRONT_LEGACY_DEFAULT_TTL if default_ttl is None else default_ttl,
        max_ttl=CLOUDFRONT_LEGACY_MAX_TTL if max_ttl is None else max_ttl,
        headers=headers, cookies=cookies, query_strings=queries, **common)


# --- ElastiCache ---------------------------------------------------------------------------------


def version_at_least(version: Any, minimum: tuple[int, ...]) -> Any:
    if version is None:
        return True  # unset: AWS picks the latest engine version
    if not isinstance(version, str):
        return UNKNOWN
    parts = re.findall(r"\d+", version)
    if not parts:
        return UNKNOWN
    return tuple(int(p) for p in parts[:3]) >= minimum


def transit_encryption_supported(engine: Any, version: Any) -> Any:
    """Whether the engine version can encrypt in transit: Memcached from 1.6.12, Redis OSS
    3.2.6 and from 4.0.10, every Valkey (7.2 on) (docs/aws-facts.md, ElastiCache 13)."""
    if engine is UNKNOWN:
        return UNKNOWN
    if engine == "memcached":
        return version_at_least(version, (1, 6, 12))
    if engine == "redis":
        if isinstance(version, str) and tuple(int(p) for p in re.findall(r"\d+", version)[:3]) \
                == (3, 2, 6):
            return True
        return version_at_least(version, (4, 0, 10))
    return True


def parameter_group_for(value: Any, groups: dict) -> Any:
    """A parameter group by reference (a symbol naming it) or by name; None when the cache uses
    the default group (unset, or a ``default.*`` name), UNKNOWN when it cannot be told."""
    if value is None or value == "":
        return None
    if isinstance(value, Symbol):
        return groups.get(value.address, UNKNOWN)
    if isinstance(value, str):
        if value.startswith("default."):
            return None
        for group in groups.values():
            if group.name == value:
                return group
    return UNKNOWN


# --- DynamoDB --------------------------------------------------------------------------------------

TABLE_ARN = re.compile(r"table/([A-Za-z0-9_.-]+)")


def strings_in(value: Any) -> list[str]:
    """Every string inside a value (an IAM policy document), to find table ARNs in it."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for v in value for s in strings_in(v)]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings_in(v)]
    return []
