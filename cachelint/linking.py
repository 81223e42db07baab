"""Source-agnostic derivations of the model: every loader declares what it read, and these
functions apply AWS semantics once (stage-wide settings flowing to methods, legacy CloudFront
cache keys, managed policies), so Terraform, CloudFormation and live AWS agree by construction.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import unquote

from cachelint import managed
from cachelint.consistency import Integration, strong_read_evidence
from cachelint.model import (
    CLOUDFRONT_LEGACY_DEFAULT_TTL, CLOUDFRONT_LEGACY_MAX_TTL, ApiMethod, ApiMethodSettings,
    ApiStage, CacheBehavior, CachePolicy, EdgeFunction, KeySet, OriginRequestPolicy, Resource,
    Source,
)
from cachelint.values import UNKNOWN, Symbol, is_known

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
    # The integration's request parameters (integration parameter -> mapping source) as read:
    # None when none are written, UNKNOWN when they could not be read.
    integration_parameters: Any = None
    integration: Integration | None = None  # type, uri and request templates, as read


BODY_SOURCE = "method.request.body"


def body_key_parameters(cache_keys: Any, parameters: Any) -> Any:
    """The cache key parameters that take their value from the request body: integration
    parameters mapped from ``method.request.body`` or ``method.request.body.JSONPath``.
    UNKNOWN when a key's mapping could not be read and no other key is known to be one."""
    if not isinstance(cache_keys, tuple):
        return UNKNOWN
    if parameters is None:
        parameters = {}
    body, unknown = [], False
    for key in cache_keys:
        if not isinstance(parameters, dict) or not is_known(parameters.get(key)):
            unknown = unknown or not isinstance(parameters, dict) or key in parameters
            continue
        value = parameters.get(key)
        if isinstance(value, str) and (value == BODY_SOURCE
                                       or value.startswith(BODY_SOURCE + ".")):
            body.append(key)
    if unknown and not body:
        return UNKNOWN
    return tuple(body)


def method_path_parts(path: Any) -> tuple[Any, Any]:
    """``"users/{id}/GET"``, ``"/~1users~1{id}/GET"`` or URL-encoded -> (normalized path, verb)."""
    if not isinstance(path, str):
        return UNKNOWN, UNKNOWN
    path = unquote(path.replace("~1", "/"))
    resource, _, verb = path.rpartition("/")
    resource = resource.strip("/")
    verb = verb.upper()
    if resource == "*":
        return f"*/{verb}", verb  # "*/*" (every method) or "*/GET" (every resource, one verb)
    return f"{resource}/{verb}", verb


def link_api(stages: list[ApiStage], settings: list[ApiMethodSettings],
             methods: list[MethodSpec], complete_apis: set[str] = frozenset()
             ) -> list[Resource]:
    """Stages, their settings entries, and each method's effective caching on each stage.

    ``complete_apis`` are the APIs whose every method source was read (no unresolved OpenAPI
    body, no method declared elsewhere): only for them is "no method matches" a known fact."""
    complete = _complete(complete_apis, methods)
    by_stage = {(s.api, s.name): s for s in stages}
    settings = [_link_stage(s, by_stage) for s in settings]
    stages = [_with_method_caching(s, settings) for s in stages]
    effective = [m for spec in methods for m in _per_stage(spec, stages, settings)]
    linked = {id(s): _with_governed(s, methods, effective, complete) for s in settings}
    # Where every method of an API is known, whether a stage caches anything is decided by
    # what its entries govern: a "*/*" setting caches nothing on an API of POSTs. The same
    # flags silence the entry rules, so the stage and its entries never disagree.
    stages = [_with_known_methods(s, list(linked.values())) if s.api in complete else s
              for s in stages]
    effective = [replace(m, settings=linked[id(m.settings)]) if m.settings is not None else m
                 for m in effective]
    return [*stages, *linked.values(), *effective]


def _complete(candidates: set[str], methods: list[MethodSpec]) -> set[str]:
    """APIs whose methods are all known: at least one (an API cannot be deployed without one),
    each with a known path and verb, and no method whose API could not be told."""
    if any(m.api == "?" for m in methods):
        return set()
    out = set()
    for api in candidates:
        mine = [m for m in methods if m.api == api]
        if mine and all(isinstance(m.resource_path, str) and isinstance(m.http_method, str)
                        for m in mine):
            out.add(api)
    return out


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


def _with_known_methods(stage: ApiStage, settings: list[ApiMethodSettings]) -> ApiStage:
    mine = [s for s in settings if (s.api, s.stage) == (stage.api, stage.name)]
    if stage.any_method_caches is not True or stage.cache_cluster_enabled is not True:
        return stage
    if all(s.caches_nothing is True for s in mine):
        return replace(stage, any_method_caches=False)
    return stage


def _is_wildcard(method_path: Any) -> bool:
    return isinstance(method_path, str) and method_path.startswith("*/")


def _names_method(method_path: str, spec: MethodSpec) -> bool:
    """Whether a ``path/VERB`` entry applies to a method: its own verb, or any verb of an ANY
    method (an ANY method serves GET, POST ... requests, and a ``path/GET`` entry caches its
    GET requests)."""
    rpath, _, verb = method_path.rpartition("/")
    if not isinstance(spec.resource_path, str) or spec.resource_path.strip("/") != rpath:
        return False
    return verb in ("*", "ANY") or spec.http_method in (verb, "ANY")


def _with_governed(ms: ApiMethodSettings, specs: list[MethodSpec], methods: list[ApiMethod],
                   complete: set[str]) -> ApiMethodSettings:
    """An entry that names no method of an API whose methods are all known is orphaned (a typo
    or a stale path); one under which no request is answered from a cache caches nothing."""
    off = ms.stage_cache_cluster_enabled is False  # no cache cluster: nothing is cached
    if ms.api not in complete:
        return replace(ms, caches_nothing=True) if off else ms
    if not isinstance(ms.method_path, str):
        # Every method is known but not which one the entry names: it may name none.
        return replace(ms, orphaned=UNKNOWN, caches_nothing=True if off else UNKNOWN)
    mine = [s for s in specs if s.api == ms.api]
    if not _is_wildcard(ms.method_path) and not any(_names_method(ms.method_path, s)
                                                    for s in mine):
        routes = sorted({f"{s.resource_path.strip('/')}/{s.http_method}" for s in mine})
        return replace(ms, orphaned=True, caches_nothing=True,
                       nearest_method=_nearest(ms.method_path, routes))
    governed = [m.caching_enabled for m in methods if m.settings is ms]
    verb = ms.method_path.rpartition("/")[2]
    if verb not in ("GET", "ANY") and ms.method_path != "*/*" and any(
            s.http_method == "ANY" and (_is_wildcard(ms.method_path) or _names_method(
                ms.method_path, s)) for s in mine):
        # Whether a POST (or "path/*") entry applies to the POST requests of an ANY method is
        # not documented: it may cache.
        governed.append(UNKNOWN)
    return replace(ms, caches_nothing=off or not any(f is True or f is UNKNOWN
                                                     for f in governed))


def _nearest(method_path: str, routes: list[str]) -> str | None:
    """The route closest to an entry's path: most leading path segments in common (a request
    URL under a greedy resource finds the resource), then most similar text."""
    def segments(route: str) -> list[str]:
        return route.rpartition("/")[0].split("/")

    def common(route: str) -> int:
        n = 0
        for a, b in zip(segments(method_path), segments(route)):
            if a != b:
                break
            n += 1
        return n
    return max(routes, key=lambda r: (common(r), difflib.SequenceMatcher(
        None, method_path, r).ratio()), default=None)


def entry_for(settings: list[ApiMethodSettings], api: str, stage: Any, rpath: Any,
              verb: Any) -> ApiMethodSettings | None:
    """The settings entry that governs a method: its own override, else ``*/VERB``, else
    ``*/*`` for GET (API Gateway caches only GET methods unless a method's own settings say
    otherwise). An ANY method is governed for its GET requests as a GET method is."""
    mine = [s for s in settings if s.api == api and s.stage == stage]
    verbs = ("ANY", "GET") if verb == "ANY" else (verb,)
    if isinstance(rpath, str) and isinstance(verb, str):
        for v in verbs:
            want = f"{rpath.strip('/')}/{v}"
            for s in mine:
                if isinstance(s.method_path, str) and s.method_path == want:
                    return s
    for v in verbs:
        for s in mine:  # every resource, this verb
            if s.method_path == f"*/{v}":
                return s
    if "GET" in verbs:
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
        if entry is not None:
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
            cache_key_parameters=spec.cache_key_parameters,
            body_key_parameters=body_key_parameters(spec.cache_key_parameters,
                                                    spec.integration_parameters),
            consistent_read=strong_read_evidence(spec.integration),
            integration_targets=spec.integration.targets if spec.integration else (),
            caching_enabled=caching,
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


def _scheme_auth(scheme: Any) -> tuple[Any, tuple] | None:
    """An OpenAPI security scheme -> (authorization type, identity sources) as API Gateway
    imports it; None for a scheme that is not an authorizer (an API key)."""
    auth_type = scheme.auth_type.lower() if isinstance(scheme.auth_type, str) else scheme.auth_type
    if auth_type is UNKNOWN:
        return UNKNOWN, ()
    if auth_type == "awssigv4":
        return "AWS_IAM", ()
    az_type = scheme.authorizer_type.lower() if isinstance(scheme.authorizer_type, str) \
        else scheme.authorizer_type
    if scheme.has_authorizer or auth_type in ("cognito_user_pools", "custom"):
        if az_type is UNKNOWN:
            return UNKNOWN, ()
        auth = "COGNITO_USER_POOLS" if "cognito_user_pools" in (az_type, auth_type) else "CUSTOM"
        source = scheme.identity_source
        if source is None and isinstance(scheme.header, str):
            source = f"method.request.header.{scheme.header}"
        kind = "REQUEST" if az_type == "request" else "TOKEN"
        return auth, identity_sources(auth, kind, source, has_authorizer=True)
    return None


def openapi_specs(doc: Any, api: str, source: Source, sam_authorizers: dict | None = None,
                  default_authorizer: Any = None, default_on_options: Any = True
                  ) -> list[MethodSpec]:
    """The methods of an OpenAPI document (:class:`cachelint.loaders.openapi.Document`).

    ``security`` names schemes of the document, or (SAM) ``sam_authorizers``: name ->
    (authorization, identity sources). SAM adds its ``DefaultAuthorizer`` to every method
    that names none of the API's authorizers (OPTIONS only with
    ``AddDefaultAuthorizerToCorsPreflight``)."""
    sam_authorizers = sam_authorizers or {}
    out = []
    for op in doc.operations:
        names = op.security if op.security is not None else doc.security
        auth: Any = "NONE"
        identity: tuple = ()
        if names is UNKNOWN:
            auth = UNKNOWN
        else:
            for name in names or ():
                found = sam_authorizers.get(name) if name in sam_authorizers else (
                    _scheme_auth(doc.schemes[name]) if name in doc.schemes else UNKNOWN)
                if found is UNKNOWN:
                    auth = UNKNOWN
                    break
                if found is not None:
                    auth, identity = found
                    break
        names_sam = names not in (None, UNKNOWN) and any(n in sam_authorizers for n in names)
        if default_authorizer is not None and not names_sam and auth == "NONE" and (
                op.verb != "OPTIONS" or default_on_options is not False):
            auth, identity = sam_authorizers.get(default_authorizer, (UNKNOWN, ()))
        if isinstance(op.auth_type, str) and op.auth_type.upper() in ("AWS_IAM", "NONE"):
            auth, identity = op.auth_type.upper(), ()
        fields = {"authorization": op.security_location or op.location,
                  "cache_key_parameters": op.cache_key_location or op.location,
                  "consistent_read": op.integration_location or op.location}
        src = replace(source, address=f"{source.address}.paths.{op.path}.{op.verb}",
                      location=op.location, fields=fields,
                      names={"authorization": "security",
                             "cache_key_parameters": "cacheKeyParameters",
                             "consistent_read": "requestTemplates"})
        out.append(MethodSpec(source=src, api=api, http_method=op.verb,
                              resource_path=op.path, authorization=auth,
                              identity_sources=identity,
                              cache_key_parameters=op.cache_key_parameters,
                              integration_parameters=op.integration_parameters,
                              integration=op.integration))
    return out


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
