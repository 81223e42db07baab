"""CloudFormation and SAM API Gateway resources -> stages, settings and methods.

CloudFormation's ``MethodSetting`` has no ``RequireAuthorizationForCacheControl``: the API then
requires authorization to invalidate, so its absence is not a finding (the field stays unset).
"""

from __future__ import annotations

import re
from typing import Any

from cachelint.consistency import Integration
from cachelint.linking.apigateway import (
    DeclaredAuthorizer, MethodSpec, api_key, body_methods, link_api, method_path_parts,
    merge_sam_events, method_resource_path, openapi_specs, resource_node, resource_paths,
    sam_authorizer, sam_authorizers, sam_preflight,
)
from cachelint.loaders.cloudformation.definitions import definition
from cachelint.loaders.cloudformation.mapping import CfnResource, CfnSourceBuilder, of_type
from cachelint.loaders.cloudformation.template import CfnDict
from cachelint.model import ApiMethodSettings, ApiStage, HttpApi, Resource
from cachelint.values import (
    UNKNOWN, Symbol, as_bool, as_int, as_str, as_str_map, as_str_tuple, ref_key,
)

# What this reader reads (cachelint/loaders/registry.py).
TYPES = {"AWS::ApiGateway::RestApi", "AWS::ApiGateway::Resource", "AWS::ApiGateway::Method",
         "AWS::ApiGateway::Authorizer", "AWS::ApiGateway::Stage", "AWS::ApiGateway::Deployment",
         "AWS::ApiGatewayV2::Api", "AWS::ApiGatewayV2::Route", "AWS::Serverless::Api",
         "AWS::Serverless::Function",
         "AWS::Serverless::HttpApi"}
IMPLICIT_REST_API = "ServerlessRestApi"
IMPLICIT_HTTP_API = "ServerlessHttpApi"


def map_resources(resources: list[CfnResource], notes: list, errors: list, directives: list
                  ) -> list[Resource]:
    """``notes`` and ``errors`` receive what could not be read of OpenAPI definitions,
    ``directives`` the suppression comments of definition files."""
    stages: list[ApiStage] = []
    settings: list[ApiMethodSettings] = []
    for r in of_type(resources, "AWS::ApiGateway::Stage"):
        stage = _stage(r, api_key(r.get("RestApiId")), as_str(r.get("StageName")), r.props)
        stages.append(stage)
        settings += _method_settings(r, stage, r.props.get("MethodSettings"))
    for r in of_type(resources, "AWS::ApiGateway::Deployment"):
        desc = r.props.get("StageDescription")
        if isinstance(desc, dict) and r.get("StageName") is not None:
            stage = _stage(r, api_key(r.get("RestApiId")), as_str(r.get("StageName")), desc,
                           address=f"{r.logical_id}.StageDescription")
            stages.append(stage)
            settings += _stage_wide(r, stage, desc)
            settings += _method_settings(r, stage, desc.get("MethodSettings"))
    complete: set[str] = set()
    methods = _methods(resources)
    for r in of_type(resources, "AWS::ApiGateway::RestApi"):
        methods += body_methods(definition(r, "Body", "BodyS3Location", notes, errors),
                                r.logical_id, CfnSourceBuilder(r).build(), complete, directives)
    sam_stages, sam_settings, sam_methods, sam_complete = _sam(resources, notes, errors,
                                                               directives)
    stages += sam_stages
    settings += sam_settings
    methods += sam_methods
    complete |= sam_complete
    return [*link_api(stages, settings, methods, complete), *_http_apis(resources)]


def _stage(r: CfnResource, api: str, name: Any, props: dict, address: str | None = None
           ) -> ApiStage:
    src = CfnSourceBuilder(r, address)
    src.mark("cache_cluster_enabled", props, "CacheClusterEnabled")
    src.mark("cache_cluster_size", props, "CacheClusterSize")
    return ApiStage(source=src.build(), api=api, name=name,
                    cache_cluster_enabled=as_bool(props.get("CacheClusterEnabled")),
                    cache_cluster_size=as_str(props.get("CacheClusterSize")))


_FIELDS = (("caching_enabled", "CachingEnabled", as_bool),
           ("ttl", "CacheTtlInSeconds", as_int),
           ("encrypted", "CacheDataEncrypted", as_bool))


def _entry(r: CfnResource, stage: ApiStage, item: dict, address: str, path: Any, verb: Any
           ) -> ApiMethodSettings:
    src = CfnSourceBuilder(r, address, item)
    src.mark("method_path", item, "ResourcePath")
    values = {}
    for field, key, conv in _FIELDS:
        src.mark(field, item, key)
        if item.get(key) is not None:
            values[field] = conv(item.get(key))
    return ApiMethodSettings(source=src.build(), api=stage.api, stage=stage.name,
                             method_path=path, http_method=verb, **values)


def _method_settings(r: CfnResource, stage: ApiStage, items: Any) -> list[ApiMethodSettings]:
    if not isinstance(items, list):
        return []
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        rp, verb = as_str(item.get("ResourcePath")), as_str(item.get("HttpMethod"))
        path, verb = method_path_parts(f"{rp}/{verb}") if isinstance(rp, str) and \
            isinstance(verb, str) else (UNKNOWN, UNKNOWN)
        out.append(_entry(r, stage, item, f"{stage.source.address}.MethodSettings[{i}]",
                          path, verb))
    return out


def _stage_wide(r: CfnResource, stage: ApiStage, desc: dict) -> list[ApiMethodSettings]:
    """A Deployment's StageDescription caching properties apply to every method (``*/*``)."""
    if not any(desc.get(key) is not None for _, key, _ in _FIELDS):
        return []
    return [_entry(r, stage, desc, f"{stage.source.address}.*/*", "*/*", "*")]


_ROOT = "RootResourceId"  # the attribute of a RestApi that names its root resource


def _resource_paths(resources: list[CfnResource]) -> dict[str, Any]:
    """API resource logical id -> full path ("/users/{id}")."""
    return resource_paths({r.logical_id: (resource_node(r.get("ParentId"), _ROOT),
                                          r.get("PathPart"))
                           for r in of_type(resources, "AWS::ApiGateway::Resource")})


def _methods(resources: list[CfnResource]) -> list[MethodSpec]:
    paths = _resource_paths(resources)
    authorizers = {r.logical_id: r for r in of_type(resources, "AWS::ApiGateway::Authorizer")}
    out = []
    for r in of_type(resources, "AWS::ApiGateway::Method"):
        rpath = method_resource_path(resource_node(r.get("ResourceId"), _ROOT), paths)
        verb = as_str(r.get("HttpMethod"))
        auth = as_str(r.get("AuthorizationType"))  # unset: linking says NONE
        az_ref = r.get("AuthorizerId")
        az = authorizers.get(az_ref.address) if isinstance(az_ref, Symbol) else None
        integ = r.props.get("Integration")
        src = CfnSourceBuilder(r)
        src.mark("authorization", r.props, "AuthorizationType")
        keys: Any = ()
        integ_params: Any = None
        integration = None
        if isinstance(integ, dict):
            keys = as_str_tuple(integ.get("CacheKeyParameters"))
            integ_params = as_str_map(integ.get("RequestParameters"))
            src.mark("cache_key_parameters", integ, "CacheKeyParameters")
            src.mark("consistent_read", integ,
                     "RequestTemplates" if "RequestTemplates" in integ else "Uri")
            integration = _integration(r, integ)
        elif integ is not None:
            integration = Integration(UNKNOWN, UNKNOWN, UNKNOWN)
        out.append(MethodSpec(source=src.build(), api=api_key(r.get("RestApiId")),
                              http_method=verb.upper() if isinstance(verb, str) else verb,
                              resource_path=rpath, authorization=auth,
                              authorizer=DeclaredAuthorizer(az.get("Type"),
                                                            az.get("IdentitySource"))
                              if az else None, cache_key_parameters=keys,
                              integration_parameters=integ_params, integration=integration))
    return out


def _integration(r: CfnResource, integ: dict) -> Integration:
    """Type, uri and request templates; uri and template texts read from the template as far
    as they can be (a ``!Sub`` naming ``AWS::Region`` keeps its other parts)."""
    props = r.raw.get("Properties") if isinstance(r.raw, dict) else None
    raw = props.get("Integration") if isinstance(props, dict) else None
    if not (isinstance(raw, dict) and "Fn::If" not in raw):
        raw = integ  # an intrinsic around the whole integration: its evaluated value
    uri = r.template.text(raw["Uri"]) if raw.get("Uri") is not None else None
    templates: Any = None
    raw_templates = raw.get("RequestTemplates")
    if isinstance(raw_templates, dict) and "Fn::If" not in raw_templates:
        templates = {str(k): r.template.text(v) for k, v in raw_templates.items()}
    elif raw_templates is not None:
        templates = as_str_map(integ.get("RequestTemplates"))
    return Integration(type=as_str(integ.get("Type")), uri=uri, request_templates=templates,
                       targets=_named_resources(raw.get("Uri"), r.template))


_SUB_NAME = re.compile(r"\$\{([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}")


def _named_resources(raw: Any, template: Any) -> tuple:
    """Logical ids of the template's resources a uri names (``!GetAtt Fn.Arn``, ``${Fn.Arn}``
    in a ``!Sub``)."""
    found: set[str] = set()
    stack = [raw]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "Fn::GetAtt" in node:
                att = node["Fn::GetAtt"]
                parts = att.split(".", 1) if isinstance(att, str) else att
                if isinstance(parts, list) and parts and isinstance(parts[0], str):
                    found.add(parts[0])
            if "Ref" in node and isinstance(node["Ref"], str):
                found.add(node["Ref"])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, str):
            found.update(_SUB_NAME.findall(node))
    return tuple(sorted(n for n in found if n in template.resources))


# --- SAM -----------------------------------------------------------------------------------------


def _merge_globals(globals_: Any, props: dict) -> dict:
    """SAM's Globals: maps merge, lists add up, scalars are overridden by the resource."""
    if not isinstance(globals_, dict):
        return props
    out = CfnDict(globals_)
    out.key_lines = dict(getattr(globals_, "key_lines", {}))
    out.line, out.end_line = getattr(globals_, "line", 1), getattr(globals_, "end_line", 1)
    for key, value in props.items():
        if isinstance(value, list) and isinstance(out.get(key), list):
            out[key] = list(out[key]) + list(value)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge_globals(out[key], value)
        else:
            out[key] = value
        if key in getattr(props, "key_lines", {}):
            out.key_lines[key] = props.key_lines[key]
    return out


def _sam_globals(resources: list[CfnResource], section: str) -> Any:
    if not resources:
        return None
    template = resources[0].template
    raw = template.data.get("Globals", {})
    section_raw = raw.get(section) if isinstance(raw, dict) else None
    return template.value(section_raw) if section_raw is not None else None


def _sam(resources: list[CfnResource], notes: list, errors: list, directives: list):
    stages: list[ApiStage] = []
    settings: list[ApiMethodSettings] = []
    methods: list[MethodSpec] = []
    complete: set[str] = set()
    sam_apis = of_type(resources, "AWS::Serverless::Api")
    functions = of_type(resources, "AWS::Serverless::Function")
    globals_api = _sam_globals(resources, "Api")
    auth_by_api: dict[str, Any] = {}
    documents: dict[str, Any] = {}
    cors: dict[str, CfnResource] = {}  # APIs SAM adds OPTIONS (CORS preflight) methods to
    for r in sam_apis:
        props = _merge_globals(globals_api, r.props)
        if props.get("Cors") is not None:
            cors[r.logical_id] = r
        stage = _stage(r, r.logical_id, as_str(props.get("StageName")), props)
        stages.append(stage)
        settings += _method_settings(r, stage, props.get("MethodSettings"))
        auth_by_api[r.logical_id] = props.get("Auth")
        documents[r.logical_id] = doc = definition(r, "DefinitionBody", "DefinitionUri", notes,
                                                    errors)
        if doc is not None:
            directives.extend(d for d in doc.directives if d not in directives)
    implicit = [(f, name, ev) for f in functions for name, ev in _api_events(f)
                if ev.get("RestApiId") is None]
    if implicit and isinstance(globals_api, dict):
        first = implicit[0][0]
        stage = _stage(first, IMPLICIT_REST_API, "Prod", globals_api,
                       address=IMPLICIT_REST_API)
        stages.append(stage)
        settings += _method_settings(first, stage, globals_api.get("MethodSettings"))
        auth_by_api[IMPLICIT_REST_API] = globals_api.get("Auth")
        if globals_api.get("Cors") is not None:
            cors[IMPLICIT_REST_API] = first
    by_api: dict[str, list[MethodSpec]] = {}
    for f in functions:
        for name, ev in _api_events(f):
            api = api_key(ev.get("RestApiId")) if ev.get("RestApiId") is not None \
                else IMPLICIT_REST_API
            by_api.setdefault(api, []).append(_sam_method(f, name, ev, api, auth_by_api.get(api)))
    for r in sam_apis:
        doc = documents[r.logical_id]
        events = by_api.pop(r.logical_id, [])
        if doc is None:
            methods += _preflight(events, cors.get(r.logical_id), auth_by_api.get(r.logical_id))
            complete.add(r.logical_id)
            continue
        auth = auth_by_api.get(r.logical_id)
        auth = auth if isinstance(auth, dict) else {}
        specs = openapi_specs(doc, r.logical_id, CfnSourceBuilder(r).build(),
                              sam_authorizers(auth),
                              auth.get("DefaultAuthorizer"),
                              as_bool(auth.get("AddDefaultAuthorizerToCorsPreflight")))
        methods += _preflight(merge_sam_events(specs, events), cors.get(r.logical_id),
                              auth_by_api.get(r.logical_id))
        if doc.complete:
            complete.add(r.logical_id)
    for api, events in by_api.items():
        methods += _preflight(events, cors.get(api), auth_by_api.get(api))
        if api == IMPLICIT_REST_API:
            complete.add(api)
    return stages, settings, methods, complete


def _preflight(specs: list[MethodSpec], api: CfnResource | None, api_auth: Any
               ) -> list[MethodSpec]:
    """SAM's CORS preflight methods for an API with ``Cors`` (``api``; None without)."""
    if api is None:
        return specs
    return sam_preflight(specs, api_auth, lambda path: CfnSourceBuilder(
        api, f"{api.logical_id}.Cors.{path}.OPTIONS").build())


def _api_events(f: CfnResource) -> list[tuple[str, dict]]:
    events = f.props.get("Events")
    if not isinstance(events, dict):
        return []
    out = []
    for name, ev in events.items():
        if isinstance(ev, dict) and ev.get("Type") == "Api" and isinstance(
                ev.get("Properties"), dict):
            out.append((name, ev["Properties"]))
    return out


def _sam_method(f: CfnResource, name: str, ev: dict, api: str, api_auth: Any) -> MethodSpec:
    verb = as_str(ev.get("Method"))
    verb = verb.upper() if isinstance(verb, str) else verb
    authorizer_name: Any = None
    if isinstance(api_auth, dict):
        authorizer_name = api_auth.get("DefaultAuthorizer")
    ev_auth = ev.get("Auth")
    if isinstance(ev_auth, dict) and ev_auth.get("Authorizer") is not None:
        authorizer_name = ev_auth.get("Authorizer")
    auth, identity = sam_authorizer(authorizer_name, api_auth)
    keys: list[str] = []
    for item in ev.get("RequestParameters") or []:
        if isinstance(item, dict):
            for param, options in item.items():
                if isinstance(options, dict) and as_bool(options.get("Caching")) is True:
                    keys.append(param)
    events = f.props.get("Events")
    container = events.get(name) if isinstance(events, dict) else None
    src = CfnSourceBuilder(f, f"{f.logical_id}.Events.{name}", container)
    if isinstance(ev, dict):
        src.mark("cache_key_parameters", ev, "RequestParameters")
        src.mark("authorization", ev, "Auth")
    return MethodSpec(source=src.build(), api=api, http_method=verb,
                      resource_path=as_str(ev.get("Path")), authorization=auth,
                      identity_sources=identity, cache_key_parameters=tuple(keys),
                      integration=Integration("AWS_PROXY", targets=(f.logical_id,)))


# --- HTTP APIs (v2) ------------------------------------------------------------------------------


def _http_apis(resources: list[CfnResource]) -> list[HttpApi]:
    routes: dict[str, list[str]] = {}
    for r in of_type(resources, "AWS::ApiGatewayV2::Route"):
        key, rk = ref_key(r.get("ApiId")), r.get("RouteKey")
        if key is not None and isinstance(rk, str):
            routes.setdefault(str(key), []).append(rk)
    implicit_routes = []
    for f in of_type(resources, "AWS::Serverless::Function"):
        events = f.props.get("Events")
        for ev in (events.values() if isinstance(events, dict) else []):
            if isinstance(ev, dict) and ev.get("Type") == "HttpApi":
                p = ev.get("Properties") if isinstance(ev.get("Properties"), dict) else {}
                rk = f"{str(p.get('Method', 'ANY')).upper()} {p.get('Path', '/')}" \
                    if p else "$default"
                api = ref_key(p.get("ApiId")) if p.get("ApiId") is not None else IMPLICIT_HTTP_API
                if api == IMPLICIT_HTTP_API:
                    implicit_routes.append((f, rk))
                else:
                    routes.setdefault(str(api), []).append(rk)
    out = []
    for r in of_type(resources, "AWS::ApiGatewayV2::Api", "AWS::Serverless::HttpApi"):
        protocol = "HTTP" if r.type == "AWS::Serverless::HttpApi" else as_str(
            r.get("ProtocolType"))
        if protocol == "HTTP":
            out.append(HttpApi(source=CfnSourceBuilder(r).build(), name=as_str(r.get("Name")),
                               protocol="HTTP", routes=tuple(routes.get(r.logical_id, ()))))
    if implicit_routes:
        f = implicit_routes[0][0]
        src = CfnSourceBuilder(f, IMPLICIT_HTTP_API)
        out.append(HttpApi(source=src.build(), name=IMPLICIT_HTTP_API, protocol="HTTP",
                           routes=tuple(rk for _, rk in implicit_routes)))
    return out

