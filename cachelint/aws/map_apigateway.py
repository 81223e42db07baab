"""Snapshot API Gateway REST and HTTP APIs -> stages, settings entries and methods, linked by
:mod:`cachelint.linking.apigateway`."""

from __future__ import annotations

from cachelint.aws.part import Part, Where, flag, number, regional
from cachelint.consistency import Integration
from cachelint.linking.apigateway import (
    DeclaredAuthorizer, MethodSpec, link_api, method_path_parts,
)
from cachelint.model import ApiMethodSettings, ApiStage, HttpApi, Resource
from cachelint.values import as_str_map

# The types this reader makes (cachelint/loaders/registry.py).
TYPES = {"AWS::ApiGateway::Stage", "AWS::ApiGateway::Method", "AWS::ApiGatewayV2::Api"}


def map_resources(parts: list[Part]) -> list[Resource]:
    out: list[Resource] = []
    for part in regional(parts):
        api = part.data.get("apigateway") or {}
        out += [*_rest_apis(part.where, api), *_http_apis(part.where, api)]
    return out


_SETTINGS = {"caching_enabled": "cachingEnabled", "ttl": "cacheTtlInSeconds",
             "encrypted": "cacheDataEncrypted",
             "require_authorization_for_cache_control": "requireAuthorizationForCacheControl",
             "unauthorized_strategy": "unauthorizedCacheControlHeaderStrategy"}
_STAGE = {"cache_cluster_enabled": "cacheClusterEnabled",
          "cache_cluster_size": "cacheClusterSize"}


def rest_api_arn(region: str, api_id: str) -> str:
    return f"arn:aws:apigateway:{region}::/restapis/{api_id}"


def _rest_apis(w: Where, data: dict) -> list[Resource]:
    stages: list[ApiStage] = []
    settings: list[ApiMethodSettings] = []
    methods: list[MethodSpec] = []
    complete: set[str] = set()
    for api in data.get("rest_apis", []):
        api_id = str(api.get("id"))
        base = rest_api_arn(w.region, api_id)
        for st in api.get("stages", []):
            name = st.get("stageName")
            arn = f"{base}/stages/{name}"
            tags = {**(api.get("tags") or {}), **(st.get("tags") or {})}
            stage = ApiStage(source=w.source(arn, "AWS::ApiGateway::Stage", _STAGE, tags),
                             api=api_id, name=name,
                             cache_cluster_enabled=bool(st.get("cacheClusterEnabled")),
                             cache_cluster_size=st.get("cacheClusterSize"))
            stages.append(stage)
            for key, values in (st.get("methodSettings") or {}).items():
                path, verb = method_path_parts(key)
                values = values or {}
                settings.append(ApiMethodSettings(
                    source=w.source(f"{arn}/methodSettings/{key}", "AWS::ApiGateway::Stage",
                                    _SETTINGS, tags, at=arn),
                    api=api_id, stage=name, method_path=path, http_method=verb,
                    caching_enabled=flag(values.get("cachingEnabled")),
                    ttl=number(values.get("cacheTtlInSeconds")),
                    encrypted=flag(values.get("cacheDataEncrypted")),
                    require_authorization_for_cache_control=flag(
                        values.get("requireAuthorizationForCacheControl")),
                    unauthorized_strategy=values.get("unauthorizedCacheControlHeaderStrategy")))
        authorizers = {a.get("id"): a for a in api.get("authorizers", [])}
        if isinstance(api.get("resources"), list):
            complete.add(api_id)  # GetResources lists every method of the API
        for res in api.get("resources", []):
            for verb, m in (res.get("resourceMethods") or {}).items():
                az = authorizers.get(m.get("authorizerId"))
                auth = m.get("authorizationType") or None  # unset: linking says NONE
                integration = m.get("methodIntegration") or {}
                keys = integration.get("cacheKeyParameters") or ()
                arn = f"{base}/resources/{res.get('id')}/methods/{verb}"
                methods.append(MethodSpec(
                    source=w.source(arn, "AWS::ApiGateway::Method",
                                    {"authorization": "authorizationType",
                                     "cache_key_parameters": "cacheKeyParameters",
                                     "consistent_read": "requestTemplates"},
                                    api.get("tags")),
                    api=api_id, http_method=str(verb).upper(), resource_path=res.get("path"),
                    authorization=auth,
                    authorizer=DeclaredAuthorizer(az.get("type"), az.get("identitySource"))
                    if az else None,
                    cache_key_parameters=tuple(keys),
                    integration_parameters=as_str_map(integration.get("requestParameters")),
                    integration=Integration(
                        type=integration.get("type"), uri=integration.get("uri"),
                        request_templates=as_str_map(integration.get("requestTemplates")))
                    if integration else None))
    return link_api(stages, settings, methods, complete)


def http_api_arn(region: str, api_id: str) -> str:
    return f"arn:aws:apigateway:{region}::/apis/{api_id}"


def _http_apis(w: Where, data: dict) -> list[Resource]:
    return [HttpApi(source=w.source(http_api_arn(w.region, str(a.get("ApiId"))),
                                    "AWS::ApiGatewayV2::Api", {}, a.get("Tags")),
                    name=a.get("Name"), protocol="HTTP", routes=tuple(a.get("Routes") or ()))
            for a in data.get("http_apis", [])]
