"""Terraform API Gateway resources -> stages, method settings and effective per-method caching."""

from __future__ import annotations

from typing import Any

from cachelint.loaders.terraform.mapping import (
    SourceBuilder, annotations, as_bool, as_int, as_str, as_str_tuple, by_type, location, ref_key,
)
from cachelint.loaders.terraform.module import TfResource
from cachelint.model import ApiMethod, ApiMethodSettings, ApiStage, HttpApi, Resource, Source
from cachelint.values import UNKNOWN, Symbol

TYPES = {"aws_api_gateway_rest_api", "aws_api_gateway_resource", "aws_api_gateway_method",
         "aws_api_gateway_integration", "aws_api_gateway_authorizer", "aws_api_gateway_stage",
         "aws_api_gateway_method_settings", "aws_apigatewayv2_api", "aws_apigatewayv2_route"}

DEFAULT_IDENTITY_SOURCE = "method.request.header.Authorization"


def map_resources(resources: list[TfResource]) -> list[Resource]:
    paths = _resource_paths(resources)
    stages = [_stage(r) for r in by_type(resources, "aws_api_gateway_stage")]
    settings = [_settings(r) for r in by_type(resources, "aws_api_gateway_method_settings")]
    stage_by_key = {(s.api, s.name): s for s in stages}
    settings = [_link_stage(s, stage_by_key) for s in settings]
    stages = [_with_method_caching(s, settings) for s in stages]
    methods = _methods(resources, paths, stages, settings)
    # Where every method of an API is declared here (no OpenAPI body), whether a stage caches
    # anything is decided by its methods: a "*/*" setting caches nothing on an API of POSTs.
    openapi = {r.address for r in by_type(resources, "aws_api_gateway_rest_api")
               if r.body.get("body") is not None}
    stages = [_with_known_methods(s, methods) if s.api not in openapi else s for s in stages]
    http_apis = _http_apis(resources)
    return [*stages, *settings, *methods, *http_apis]


def _api(value: Any) -> str:
    key = ref_key(value)
    return str(key) if key is not None else "?"


def _stage(res: TfResource) -> ApiStage:
    b = res.body
    src = SourceBuilder(res)
    src.mark("cache_cluster_enabled", b, "cache_cluster_enabled")
    src.mark("cache_cluster_size", b, "cache_cluster_size")
    return ApiStage(source=src.build(), api=_api(b.get("rest_api_id")),
                    name=as_str(b.get("stage_name")),
                    cache_cluster_enabled=as_bool(b.get("cache_cluster_enabled")),
                    cache_cluster_size=as_str(b.get("cache_cluster_size")))


def _settings(res: TfResource) -> ApiMethodSettings:
    b = res.body
    s = b.block("settings")
    src = SourceBuilder(res)
    src.mark("method_path", b, "method_path")
    values: dict[str, Any] = {}
    if s is not None:
        for field, attr, conv in (
                ("caching_enabled", "caching_enabled", as_bool),
                ("ttl", "cache_ttl_in_seconds", as_int),
                ("encrypted", "cache_data_encrypted", as_bool),
                ("require_authorization_for_cache_control",
                 "require_authorization_for_cache_control", as_bool),
                ("unauthorized_strategy", "unauthorized_cache_control_header_strategy", as_str)):
            if s.has(attr):
                values[field] = conv(s.get(attr))
                src.mark(field, s, attr)
            else:
                src.fields.setdefault(field, location(s.span))
    path = as_str(b.get("method_path"))
    http_method: Any = UNKNOWN
    if isinstance(path, str):
        path = path.replace("~1", "/")
        http_method = "*" if path == "*/*" else path.rsplit("/", 1)[-1].upper()
    return ApiMethodSettings(source=src.build(), api=_api(b.get("rest_api_id")),
                             stage=as_str(b.get("stage_name")), method_path=path,
                             http_method=http_method, **values)


def _link_stage(ms: ApiMethodSettings, stages: dict) -> ApiMethodSettings:
    stage = stages.get((ms.api, ms.stage))
    if stage is None:
        return ms
    from dataclasses import replace

    enabled = stage.cache_cluster_enabled
    return replace(ms, stage_cache_cluster_enabled=False if enabled is None else enabled)


def _with_method_caching(stage: ApiStage, settings: list[ApiMethodSettings]) -> ApiStage:
    from dataclasses import replace

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
    from dataclasses import replace

    mine = [m for m in methods if m.api == stage.api and m.stage == stage.name]
    if not mine or stage.any_method_caches is not True or stage.cache_cluster_enabled is not True:
        return stage
    flags = [m.caching_enabled for m in mine]
    if any(f is True for f in flags) or any(f is UNKNOWN for f in flags):
        return stage
    return replace(stage, any_method_caches=False)


def _resource_paths(resources: list[TfResource]) -> dict[str, Any]:
    """API resource address -> full path ("/users/{id}"); root resources map to "/"."""
    nodes = {r.address: r for r in by_type(resources, "aws_api_gateway_resource")}
    cache: dict[str, Any] = {}

    def path_of(address: str, depth: int = 0) -> Any:
        if address in cache:
            return cache[address]
        node = nodes.get(address)
        if node is None or depth > 32:
            return UNKNOWN
        part = node.body.get("path_part")
        parent = node.body.get("parent_id")
        if isinstance(parent, Symbol) and parent.attribute == "root_resource_id":
            base: Any = ""
        elif isinstance(parent, Symbol):
            base = path_of(parent.address, depth + 1)
        else:
            base = UNKNOWN
        value = f"{base}/{part}" if isinstance(base, str) and isinstance(part, str) else UNKNOWN
        cache[address] = value
        return value

    return {a: path_of(a) for a in nodes}


def _path_for(resource_id: Any, paths: dict[str, Any]) -> Any:
    if isinstance(resource_id, Symbol):
        if resource_id.attribute == "root_resource_id":
            return "/"
        return paths.get(resource_id.address, UNKNOWN)
    return UNKNOWN


def _methods(resources: list[TfResource], paths: dict[str, Any], stages: list[ApiStage],
             settings: list[ApiMethodSettings]) -> list[ApiMethod]:
    authorizers = {r.address: r for r in by_type(resources, "aws_api_gateway_authorizer")}
    integrations = {}
    for r in by_type(resources, "aws_api_gateway_integration"):
        b = r.body
        key = (_api(b.get("rest_api_id")), _path_for(b.get("resource_id"), paths),
               as_str(b.get("http_method")))
        integrations[key] = r
    out: list[ApiMethod] = []
    for r in by_type(resources, "aws_api_gateway_method"):
        b = r.body
        api = _api(b.get("rest_api_id"))
        verb = as_str(b.get("http_method"))
        verb = verb.upper() if isinstance(verb, str) else verb
        rpath = _path_for(b.get("resource_id"), paths)
        auth = as_str(b.get("authorization"))
        identity: tuple = ()
        authorizer_id = b.get("authorizer_id")
        if isinstance(authorizer_id, Symbol) and authorizer_id.address in authorizers:
            az = authorizers[authorizer_id.address].body
            raw = az.get("identity_source", DEFAULT_IDENTITY_SOURCE)
            identity = tuple(p.strip() for p in raw.split(",")) if isinstance(raw, str) else ()
            if az.get("type") == "REQUEST" and not az.has("identity_source"):
                identity = ()
        elif isinstance(auth, str) and auth.upper() in ("COGNITO_USER_POOLS", "CUSTOM"):
            identity = (DEFAULT_IDENTITY_SOURCE,)
        integ = integrations.get((api, rpath, verb))
        key_params: Any = ()
        if integ is not None:
            key_params = as_str_tuple(integ.body.get("cache_key_parameters"))
        for stage in [s for s in stages if s.api == api]:
            entry = _entry_for(settings, api, stage.name, rpath, verb)
            caching: Any = False
            if entry is not None:
                caching = entry.caches
                if caching is True and stage.cache_cluster_enabled is not True:
                    caching = UNKNOWN if stage.cache_cluster_enabled is UNKNOWN else False
            src = SourceBuilder(r)
            src.mark("authorization", b, "authorization")
            source = src.build()
            if entry is not None:
                # The caching decision was written in the settings entry, not on the method.
                source.fields["caching_enabled"] = entry.source.locate("caching_enabled")
                source.fields["ttl"] = entry.source.locate("ttl")
            if integ is not None:
                ib = integ.body
                source.fields["cache_key_parameters"] = location(ib.where("cache_key_parameters"))
            out.append(ApiMethod(
                source=Source(f"{r.address}@{stage.name}", r.type, source.location,
                              source.fields, annotations(r), r.root),
                api=api, stage=stage.name, http_method=verb, resource_path=rpath,
                authorization=auth if auth is not None else "NONE",
                authorizer_identity_sources=identity, cache_key_parameters=key_params,
                caching_enabled=caching, ttl=entry.ttl if entry else None, settings=entry))
    return out


def _entry_for(settings: list[ApiMethodSettings], api: str, stage: Any, rpath: Any,
               verb: Any) -> ApiMethodSettings | None:
    """The settings entry that governs a method: its own override, else ``*/*`` for GET."""
    mine = [s for s in settings if s.api == api and s.stage == stage]
    if isinstance(rpath, str) and isinstance(verb, str):
        want = f"{rpath.lstrip('/')}/{verb}"
        for s in mine:
            if isinstance(s.method_path, str) and s.method_path.lstrip("/") == want:
                return s
    if verb == "GET":
        for s in mine:
            if s.method_path == "*/*":
                return s
    return None


def _http_apis(resources: list[TfResource]) -> list[HttpApi]:
    routes: dict[str, list[str]] = {}
    for r in by_type(resources, "aws_apigatewayv2_route"):
        key = ref_key(r.body.get("api_id"))
        rk = r.body.get("route_key")
        if key is not None and isinstance(rk, str):
            routes.setdefault(str(key), []).append(rk)
    out = []
    for r in by_type(resources, "aws_apigatewayv2_api"):
        protocol = as_str(r.body.get("protocol_type"))
        if protocol != "HTTP":
            continue
        src = SourceBuilder(r)
        out.append(HttpApi(source=src.build(), name=as_str(r.body.get("name")),
                           protocol=protocol, routes=tuple(routes.get(r.address, ()))))
    return out
