"""API Gateway REST APIs: declared stages, settings entries and methods -> the model, with
stage-wide settings flowing to methods, orphaned entries and cache keys from the body."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import unquote

from cachelint.consistency import Integration, strong_read_evidence
from cachelint.model import ApiMethod, ApiMethodSettings, ApiStage, Resource, Source
from cachelint.values import UNKNOWN, Symbol, as_bool, is_known, ref_key

DEFAULT_HEADER = "Authorization"  # an authorizer's identity header where none is named
DEFAULT_IDENTITY_SOURCE = f"method.request.header.{DEFAULT_HEADER}"


# --- API Gateway ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeclaredAuthorizer:
    """A REST API authorizer (``AWS::ApiGateway::Authorizer``) as its source declares it."""

    type: Any = None  # TOKEN, REQUEST or COGNITO_USER_POOLS
    identity_source: Any = None  # None where it is not written


@dataclass(frozen=True)
class MethodSpec:
    """A REST API method as its source declares it, before stages apply their settings."""

    source: Source
    api: str
    http_method: Any
    resource_path: Any
    authorization: Any = "NONE"  # None: not written (API Gateway's default, NONE)
    # The request values that identify the caller: None to derive them from
    # ``authorization`` and ``authorizer`` (the authorizer the method names, if any).
    identity_sources: tuple | None = None
    authorizer: DeclaredAuthorizer | None = None
    cache_key_parameters: Any = ()
    # The integration's request parameters (integration parameter -> mapping source) as read:
    # None when none are written, UNKNOWN when they could not be read.
    integration_parameters: Any = None
    integration: Integration | None = None  # type, uri and request templates, as read


def api_key(value: Any) -> str:
    """The REST API a stage, settings entry or method names (its reference's key); "?" where
    it cannot be told."""
    key = ref_key(value)
    return str(key) if key is not None else "?"


ROOT: Any = object()  # a resource's parent: the API's root resource


def resource_node(ref: Any, root_attribute: str) -> Any:
    """What a ``parent_id``/``resource_id`` names: :data:`ROOT` (the API's root resource
    attribute), another resource's key, or UNKNOWN."""
    if isinstance(ref, Symbol):
        return ROOT if ref.attribute == root_attribute else ref.address
    return UNKNOWN


def method_resource_path(node: Any, paths: dict[str, Any]) -> Any:
    """The path of the resource a method is on (:func:`resource_node`): ``/`` for the root."""
    if node is ROOT:
        return "/"
    return paths.get(node, UNKNOWN) if isinstance(node, str) else UNKNOWN


def resource_paths(nodes: dict[str, tuple[Any, Any]]) -> dict[str, Any]:
    """API resource key -> full path ("/users/{id}"), from each resource's (parent, path part):
    the parent is :data:`ROOT`, another resource's key, or UNKNOWN."""
    cache: dict[str, Any] = {}

    def path_of(key: str, depth: int = 0) -> Any:
        if key in cache:
            return cache[key]
        if key not in nodes or depth > 32:
            return UNKNOWN
        parent, part = nodes[key]
        if parent is ROOT:
            base: Any = ""
        elif isinstance(parent, str):
            base = path_of(parent, depth + 1)
        else:
            base = UNKNOWN
        cache[key] = f"{base}/{part}" if isinstance(base, str) and isinstance(part, str) \
            else UNKNOWN
        return cache[key]

    return {key: path_of(key) for key in nodes}


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
        for a, b in zip(segments(method_path), segments(route), strict=False):
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
            authorizer_identity_sources=_identity(spec),
            cache_key_parameters=spec.cache_key_parameters,
            body_key_parameters=body_key_parameters(spec.cache_key_parameters,
                                                    spec.integration_parameters),
            consistent_read=strong_read_evidence(spec.integration),
            integration_targets=spec.integration.targets if spec.integration else (),
            caching_enabled=caching,
            ttl=entry.ttl if entry else None, settings=entry))
    return out


def _identity(spec: MethodSpec) -> tuple:
    if spec.identity_sources is not None:
        return spec.identity_sources
    az = spec.authorizer
    return identity_sources(spec.authorization, az.type if az else None,
                            az.identity_source if az else None, has_authorizer=az is not None)


def header_source(header: str) -> str:
    """A request header as an identity source."""
    return f"method.request.header.{header}"


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


def sam_authorizer(name: Any, api_auth: Any) -> tuple[Any, tuple]:
    """A SAM authorizer by name (``Auth.Authorizers`` of the API's ``Auth``, or AWS_IAM/NONE)
    -> (authorization, identity sources), as the SAM transform makes it."""
    if name is UNKNOWN:
        return UNKNOWN, ()
    if name in (None, "NONE"):
        return "NONE", ()
    if name == "AWS_IAM":
        return "AWS_IAM", ()
    defs = api_auth.get("Authorizers") if isinstance(api_auth, dict) else None
    definition = defs.get(name) if isinstance(defs, dict) else None
    if not isinstance(definition, dict):
        return UNKNOWN, ()
    auth = "COGNITO_USER_POOLS" if definition.get("UserPoolArn") is not None else "CUSTOM"
    identity = definition.get("Identity") if isinstance(definition.get("Identity"), dict) \
        else {}
    if auth == "CUSTOM" and definition.get("FunctionPayloadType") == "REQUEST":
        sources = [header_source(h) for h in identity.get("Headers") or []] + \
            [f"method.request.querystring.{q}" for q in identity.get("QueryStrings") or []]
        return auth, tuple(s for s in sources if "UNKNOWN" not in s)
    header = identity.get("Header", DEFAULT_HEADER)
    return auth, (header_source(header),) if isinstance(header, str) else ()


def sam_preflight(specs: list[MethodSpec], api_auth: Any, source: Callable[[str], Source]
                  ) -> list[MethodSpec]:
    """With ``Cors``, SAM adds an OPTIONS method to every path that has none, with the default
    authorizer unless ``AddDefaultAuthorizerToCorsPreflight`` is false (``source``: where
    the added method of a path is declared)."""
    have = {(s.resource_path, s.http_method) for s in specs}
    name = api_auth.get("DefaultAuthorizer") if isinstance(api_auth, dict) else None
    if isinstance(api_auth, dict) and as_bool(
            api_auth.get("AddDefaultAuthorizerToCorsPreflight")) is False:
        name = None
    auth, identity = sam_authorizer(name, api_auth)
    out = list(specs)
    for path in dict.fromkeys(s.resource_path for s in specs):
        if (path, "OPTIONS") not in have and isinstance(path, str):
            out.append(MethodSpec(source=source(path), api=specs[0].api, http_method="OPTIONS",
                                  resource_path=path, authorization=auth,
                                  identity_sources=identity))
    return out


def merge_sam_events(specs: list[MethodSpec], events: list[MethodSpec]) -> list[MethodSpec]:
    """SAM adds each function event to the API's OpenAPI document: a path and method written
    in both is one method, with the event's cache key parameters added to the document's."""
    by_route = {(str(s.resource_path).rstrip("/"), s.http_method): i
                for i, s in enumerate(specs)}
    out = list(specs)
    for ev in events:
        i = by_route.get((str(ev.resource_path).rstrip("/"), ev.http_method))
        if i is None:
            out.append(ev)
            continue
        own, added = out[i].cache_key_parameters, ev.cache_key_parameters
        if isinstance(own, tuple) and isinstance(added, tuple):
            out[i] = replace(out[i], cache_key_parameters=own + tuple(
                k for k in added if k not in own))
    return out


def sam_authorizers(api_auth: dict) -> dict[str, tuple[Any, tuple]]:
    defs = api_auth.get("Authorizers")
    names = list(defs) if isinstance(defs, dict) else []
    return {name: sam_authorizer(name, api_auth) for name in [*names, "AWS_IAM", "NONE"]}


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
            source = header_source(scheme.header)
        kind = "REQUEST" if az_type == "request" else "TOKEN"
        return auth, identity_sources(auth, kind, source, has_authorizer=True)
    return None


def body_methods(doc: Any, api: str, source: Source, complete: set[str],
                 directives: list) -> list[MethodSpec]:
    """The methods of a REST API's OpenAPI body (a Document, or None where the API has none):
    the API is complete (``complete``) where it has none or its body was read whole; the
    body's suppression comments go to ``directives``."""
    if doc is None or doc.complete:
        complete.add(api)
    if doc is None:
        return []
    directives.extend(d for d in doc.directives if d not in directives)
    return openapi_specs(doc, api, source)


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
