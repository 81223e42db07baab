"""A snapshot (live scan or ``account.json``) -> declared records, linked into the model, with
CloudWatch evidence.

Live values are facts, not declarations: every setting AWS reports is explicit, so nothing
here is UNKNOWN except a parameter group that could not be read. What AWS does with them
(stage settings flowing to methods, legacy cache keys, managed policies, member clusters,
defaults) is the linking layer's (:mod:`cachelint.linking`), so a deployed resource and its
Terraform get the same model and the same findings.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from cachelint.aws.evidence import detailed_routes, route_dimensions
from cachelint.consistency import Integration
from cachelint.linking.apigateway import (
    DeclaredAuthorizer, MethodSpec, link_api, method_path_parts,
)
from cachelint.linking.cloudfront import (
    cache_behavior, cache_policy, edge_functions, key_set, legacy_cache_key, origin_kind,
    origin_request_policy,
)
from cachelint.linking.datastores import (
    CLUSTER, REPLICATION_GROUP, SERVERLESS, Declared, DeclaredCache, DeclaredDax, DeclaredTable,
    link_datastores,
)
from cachelint.model import (
    ApiMethod, ApiMethodSettings, ApiStage, CacheBehavior, CacheParameterGroup, CachePolicy,
    CloudFrontOrigin, DaxParameterGroup, Deployed, DynamoTable, Evidence, HttpApi, Inventory,
    KeySet, Location, OriginRequestPolicy, Resource, Source, SourceKind, labels_of,
)
from cachelint.values import UNKNOWN, as_str_map

_TAGS = {("cachelint:consistency", "strong"): "strongly-consistent",
         ("cachelint:hot", "true"): "hot"}


class _Where:
    """Sources for one account and region."""

    def __init__(self, account: str, region: str):
        self.account, self.region = account, region

    def source(self, address: str, type_: str, names: dict[str, str] | None = None,
               tags: Any = None, at: str | None = None) -> Source:
        at = at or address
        loc = Location(at, 0, 0, Deployed(at, self.account, self.region))
        marks = frozenset(mark for (k, v), mark in _TAGS.items()
                          if isinstance(tags, dict) and str(tags.get(k, "")).lower() == v)
        return Source(address, type_, loc, {}, marks, f"aws:{self.account}", dict(names or {}),
                      SourceKind.AWS)


def _bool(value: Any) -> Any:
    return value if isinstance(value, bool) else None


def _int(value: Any) -> Any:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return UNKNOWN


# --- API Gateway ---------------------------------------------------------------------------------

_SETTINGS = {"caching_enabled": "cachingEnabled", "ttl": "cacheTtlInSeconds",
             "encrypted": "cacheDataEncrypted",
             "require_authorization_for_cache_control": "requireAuthorizationForCacheControl",
             "unauthorized_strategy": "unauthorizedCacheControlHeaderStrategy"}
_STAGE = {"cache_cluster_enabled": "cacheClusterEnabled",
          "cache_cluster_size": "cacheClusterSize"}


def rest_api_arn(region: str, api_id: str) -> str:
    return f"arn:aws:apigateway:{region}::/restapis/{api_id}"


def _rest_apis(w: _Where, data: dict) -> list[Resource]:
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
                    caching_enabled=_bool(values.get("cachingEnabled")),
                    ttl=_int(values.get("cacheTtlInSeconds")),
                    encrypted=_bool(values.get("cacheDataEncrypted")),
                    require_authorization_for_cache_control=_bool(
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


def _http_apis(w: _Where, data: dict) -> list[Resource]:
    return [HttpApi(source=w.source(http_api_arn(w.region, str(a.get("ApiId"))),
                                    "AWS::ApiGatewayV2::Api", {}, a.get("Tags")),
                    name=a.get("Name"), protocol="HTTP", routes=tuple(a.get("Routes") or ()))
            for a in data.get("http_apis", [])]


# --- CloudFront ----------------------------------------------------------------------------------


def _keyset(config: Any, behavior: str, items: str) -> KeySet:
    config = config if isinstance(config, dict) else {}
    return key_set(config.get(behavior), config.get(items))


def _cloudfront(w: _Where, data: dict, http_apis: dict[str, str]) -> list[Resource]:
    out: list[Resource] = []
    policies: dict[str, CachePolicy] = {}
    for p in data.get("cache_policies", []):
        cfg = p.get("CachePolicyConfig") or {}
        arn = f"arn:aws:cloudfront::{w.account}:cache-policy/{p.get('Id')}"
        policy = cache_policy(
            source=w.source(arn, "AWS::CloudFront::CachePolicy",
                            {"min_ttl": "MinTTL", "default_ttl": "DefaultTTL",
                             "max_ttl": "MaxTTL"}),
            name=cfg.get("Name"), min_ttl=_int(cfg.get("MinTTL")),
            default_ttl=_int(cfg.get("DefaultTTL")), max_ttl=_int(cfg.get("MaxTTL")),
            headers=_keyset(cfg.get("HeadersConfig"), "HeaderBehavior", "Headers"),
            cookies=_keyset(cfg.get("CookiesConfig"), "CookieBehavior", "Cookies"),
            query_strings=_keyset(cfg.get("QueryStringsConfig"), "QueryStringBehavior",
                                  "QueryStrings"))
        policies[str(p.get("Id"))] = policy
        out.append(policy)
    requests = {str(p.get("Id")): OriginRequestPolicy(
        name=p.get("Name"), cookies=_keyset(p.get("CookiesConfig"), "CookieBehavior", "Cookies")
        if "CookiesConfig" in p else KeySet(UNKNOWN))  # snapshots before cachelint 0.2
        for p in data.get("origin_request_policies", [])}
    for d in data.get("distributions", []):
        arn = d.get("ARN") or f"arn:aws:cloudfront::{w.account}:distribution/{d.get('Id')}"
        origins = {}
        for o in d.get("Origins", []):
            domain = o.get("DomainName")
            refs = tuple(arn_ for prefix, arn_ in http_apis.items()
                         if isinstance(domain, str) and domain.startswith(prefix))
            origins[o.get("Id")] = CloudFrontOrigin(
                id=o.get("Id"), domain=domain,
                kind=origin_kind(domain, bool(o.get("S3OriginConfig")),
                                 bool(o.get("CustomOriginConfig")),
                                 o.get("OriginAccessControlId") or None),
                references=refs)
        behaviours = [("DefaultCacheBehavior", d.get("DefaultCacheBehavior") or {})]
        behaviours += [(f"CacheBehaviors[{i}]", b) for i, b in
                       enumerate(d.get("CacheBehaviors") or [])]
        domains = tuple(x for x in [d.get("DomainName"), *(d.get("Aliases") or [])]
                        if isinstance(x, str))
        for name, b in behaviours:
            out.append(replace(_behavior(w, arn, f"{arn}#{name}", b, origins, policies,
                                         requests), domains=domains))
    return out


def _behavior(w: _Where, dist_arn: str, address: str, b: dict, origins: dict,
              policies: dict[str, CachePolicy], requests: dict):
    source = w.source(address, "AWS::CloudFront::Distribution",
                      {"min_ttl": "MinTTL", "default_ttl": "DefaultTTL", "max_ttl": "MaxTTL",
                       "cache_policy_id": "CachePolicyId", "headers": "Headers",
                       "cookies": "Cookies", "query_strings": "QueryString"}, at=dist_arn)
    policy_id = b.get("CachePolicyId") or None
    fv = b.get("ForwardedValues")
    legacy = None
    if isinstance(fv, dict):
        cookies = fv.get("Cookies") or {}
        legacy = legacy_cache_key(tuple(fv.get("Headers") or ()), cookies.get("Forward"),
                                  tuple(cookies.get("WhitelistedNames") or ()),
                                  bool(fv.get("QueryString")),
                                  tuple(fv.get("QueryStringCacheKeys") or ()))
    ttls = [b.get(k) for k in ("MinTTL", "DefaultTTL", "MaxTTL")]
    return cache_behavior(
        source=source, distribution=dist_arn, path_pattern=b.get("PathPattern"),
        allowed_methods=tuple(b["AllowedMethods"]) if b.get("AllowedMethods") else None,
        origin=origins.get(b.get("TargetOriginId")), policy_id=policy_id, policies=policies,
        has_forwarded_values=isinstance(fv, dict) and policy_id is None,
        legacy_key=legacy, min_ttl=_int(ttls[0]), default_ttl=_int(ttls[1]),
        max_ttl=_int(ttls[2]), ttls_written=any(t is not None for t in ttls),
        functions=_associations(b),
        origin_request=origin_request_policy(b.get("OriginRequestPolicyId") or None, requests))


def _associations(b: dict) -> Any:
    if "LambdaFunctionAssociations" not in b:
        return UNKNOWN  # a snapshot written before cachelint kept them
    return edge_functions(
        [(a.get("EventType"), a.get("LambdaFunctionARN"))
         for a in b.get("LambdaFunctionAssociations") or []],
        [(a.get("EventType"), a.get("FunctionARN")) for a in b.get("FunctionAssociations") or []])


# --- ElastiCache, DAX, DynamoDB -------------------------------------------------------------------


_CACHE_NAMES = {"at_rest_encryption": "AtRestEncryptionEnabled",
                "transit_encryption": "TransitEncryptionEnabled",
                "automatic_failover": "AutomaticFailover", "node_count": "NumCacheClusters",
                "parameter_group": "CacheParameterGroupName"}


def _failover(value: Any) -> Any:
    return value in ("enabled", "enabling") if isinstance(value, str) else None


def _elasticache(w: _Where, data: dict, declared: Declared) -> None:
    for name, group in (data.get("parameter_groups") or {}).items():
        arn = f"arn:aws:elasticache:{w.region}:{w.account}:parametergroup:{name}"
        declared.cache_groups.append(CacheParameterGroup(
            source=w.source(arn, "AWS::ElastiCache::ParameterGroup"), name=name,
            parameters={str(k): v for k, v in (group.get("Parameters") or {}).items()}))
    for rg in data.get("replication_groups", []):
        # Every shard has the same members: a primary and its replicas.
        shards = rg.get("NodeGroups") or []
        members = len(shards[0].get("NodeGroupMembers") or []) if shards else 0
        declared.caches.append(DeclaredCache(
            source=w.source(rg.get("ARN") or rg.get("ReplicationGroupId"),
                            "AWS::ElastiCache::ReplicationGroup", _CACHE_NAMES, rg.get("Tags")),
            deployment=REPLICATION_GROUP, name=rg.get("ReplicationGroupId"),
            engine=rg.get("Engine"),
            num_node_groups=len(shards) if members else None,
            replicas_per_node_group=members - 1 if members else None,
            num_cache_clusters=len(rg.get("MemberClusters") or []) or None,
            automatic_failover=_failover(rg.get("AutomaticFailover")),
            at_rest_encryption=_bool(rg.get("AtRestEncryptionEnabled")),
            transit_encryption=_bool(rg.get("TransitEncryptionEnabled")),
            labels=labels_of(rg.get("Description"))))
    for cc in data.get("cache_clusters", []):
        member = cc.get("ReplicationGroupId")
        declared.caches.append(DeclaredCache(
            source=w.source(cc.get("ARN") or cc.get("CacheClusterId"),
                            "AWS::ElastiCache::CacheCluster",
                            {**_CACHE_NAMES, "node_count": "NumCacheNodes"}, cc.get("Tags")),
            deployment=CLUSTER, name=cc.get("CacheClusterId"), engine=cc.get("Engine"),
            engine_version=cc.get("EngineVersion"), num_cache_nodes=_int(cc.get("NumCacheNodes")),
            at_rest_encryption=_bool(cc.get("AtRestEncryptionEnabled")),
            transit_encryption=_bool(cc.get("TransitEncryptionEnabled")),
            parameter_group=(cc.get("CacheParameterGroup") or {}).get("CacheParameterGroupName"),
            replication_group=member or None))
    for sc in data.get("serverless_caches", []):
        declared.caches.append(DeclaredCache(
            source=w.source(sc.get("ARN") or sc.get("ServerlessCacheName"),
                            "AWS::ElastiCache::ServerlessCache", tags=sc.get("Tags")),
            deployment=SERVERLESS, name=sc.get("ServerlessCacheName"), engine=sc.get("Engine"),
            engine_version=sc.get("MajorEngineVersion") or sc.get("FullEngineVersion")))


def dax_group_id(w: _Where, name: str) -> str:
    # DAX parameter groups have no ARN: name them as the console does, with where they live.
    return f"dax:{w.region}:{w.account}:parametergroup/{name}"


def _dax(w: _Where, data: dict, declared: Declared) -> None:
    for name, group in (data.get("parameter_groups") or {}).items():
        params = group.get("Parameters") or {}
        address = dax_group_id(w, name)
        declared.dax_groups.append(DaxParameterGroup(
            source=w.source(address, "AWS::DAX::ParameterGroup",
                            {"record_ttl_millis": "record-ttl-millis",
                             "query_ttl_millis": "query-ttl-millis"}),
            name=name, record_ttl_millis=_int(params.get("record-ttl-millis")),
            query_ttl_millis=_int(params.get("query-ttl-millis"))))
    roles = data.get("roles") or {}
    for c in data.get("clusters", []):
        grants = roles.get(c.get("IamRoleArn")) or {}
        any_table: Any = bool(grants.get("any_table"))
        if not grants.get("complete", False):
            any_table = UNKNOWN  # the role's policies could not all be read
        source = w.source(c.get("ClusterArn") or c.get("ClusterName"), "AWS::DAX::Cluster",
                          {"replication_factor": "TotalNodes",
                           "sse_enabled": "SSEDescription",
                           "endpoint_encryption": "ClusterEndpointEncryptionType",
                           "parameter_group": "ParameterGroupName",
                           "record_ttl_millis": "record-ttl-millis",
                           "query_ttl_millis": "query-ttl-millis", "tables": "IamRoleArn"},
                          c.get("Tags"))
        status = (c.get("SSEDescription") or {}).get("Status")
        declared.dax.append(DeclaredDax(
            source=source, name=c.get("ClusterName"),
            replication_factor=_int(c.get("TotalNodes")),
            sse_enabled=status in ("ENABLED", "ENABLING") if isinstance(status, str) else None,
            endpoint_encryption=c.get("ClusterEndpointEncryptionType"),
            parameter_group=(c.get("ParameterGroup") or {}).get("ParameterGroupName"),
            table_names=frozenset(grants.get("tables") or ()), any_table=any_table))


def _tables(w: _Where, data: dict, declared: Declared) -> None:
    for t in data.get("tables", []):
        arn = t.get("TableArn") or t.get("TableName")
        declared.tables.append(DeclaredTable(
            source=w.source(arn, "AWS::DynamoDB::Table", {"global_table": "Replicas"},
                            t.get("Tags")),
            name=t.get("TableName"),
            replicas=bool(t.get("Replicas")) or bool(t.get("GlobalTableVersion"))))


def _datastores(w: _Where, data: dict) -> list[Resource]:
    declared = Declared()
    _elasticache(w, data.get("elasticache") or {}, declared)
    _tables(w, data.get("dynamodb") or {}, declared)
    _dax(w, data.get("dax") or {}, declared)
    return link_datastores(declared)


# --- evidence -------------------------------------------------------------------------------------


class _Metrics:
    def __init__(self, rows: list[dict], window: dict | None):
        self.values = {(r["namespace"], r["metric"], tuple(sorted(r["dimensions"].items()))):
                       r.get("value") for r in rows if isinstance(r, dict)}
        self.seconds = max((r.get("seconds") or 0 for r in rows if isinstance(r, dict)),
                           default=0.0)
        end = (window or {}).get("end", "")
        days = self.seconds / 86400
        span = f"{days:g} day{'s' if days != 1 else ''}" if days >= 1 else \
            f"{self.seconds / 3600:g} h"
        self.basis = f"CloudWatch, {span} to {end[:10]}" if end else f"CloudWatch, {span}"

    def get(self, namespace: str, metric: str, **dims: str) -> float | None:
        return self.values.get((namespace, metric, tuple(sorted(dims.items()))))

    def evidence(self, **values: Any) -> Evidence | None:
        if all(v is None for v in values.values()) or self.seconds <= 0:
            return None
        return Evidence(window_seconds=self.seconds, basis=self.basis, **values)


def route_address(api: HttpApi, route: str) -> str:
    """Where an HTTP API route's evidence is kept (a route is not a resource of the model)."""
    return f"{api.source.address}#route/{route}"


def _attach_routes(inv: Inventory, metrics: _Metrics, api: HttpApi, http: dict) -> None:
    """Each route's request count over the stages that measure it (detailed metrics)."""
    totals: dict[str, float] = {}
    for stage, route in detailed_routes(http):
        value = metrics.get("AWS/ApiGateway", "Count", **route_dimensions(http, stage, route))
        if value is not None:
            totals[route] = totals.get(route, 0.0) + value
    for route, total in totals.items():
        found = metrics.evidence(requests=total)
        if found is not None:
            inv.evidence[route_address(api, route)] = found


def _attach(inv: Inventory, metrics: _Metrics, resources: list[Resource],
            api_names: dict[str, str], http_stages: dict[str, dict] | None = None) -> None:
    http_stages = http_stages or {}
    gw = "AWS/ApiGateway"
    for r in resources:
        found: Evidence | None = None
        if isinstance(r, ApiStage):
            dims = {"ApiName": api_names.get(r.api, ""), "Stage": r.name}
            found = metrics.evidence(
                requests=metrics.get(gw, "Count", **dims),
                cache_hits=metrics.get(gw, "CacheHitCount", **dims),
                cache_misses=metrics.get(gw, "CacheMissCount", **dims),
                integration_latency_ms=metrics.get(gw, "IntegrationLatency", **dims))
        elif isinstance(r, ApiMethod):
            stage = {"ApiName": api_names.get(r.api, ""), "Stage": r.stage}
            dims = {**stage, "Method": r.http_method, "Resource": r.resource_path}
            found = metrics.evidence(requests=metrics.get(gw, "Count", **dims),
                                     cache_hits=metrics.get(gw, "CacheHitCount", **dims),
                                     cache_misses=metrics.get(gw, "CacheMissCount", **dims))
            if found is not None:  # how slow the backend is, from the stage's figures
                found = replace(found, integration_latency_ms=metrics.get(
                    gw, "IntegrationLatency", **stage))
        elif isinstance(r, HttpApi):
            api_id = r.source.address.rsplit("/", 1)[-1]
            found = metrics.evidence(requests=metrics.get(gw, "Count", ApiId=api_id))
            _attach_routes(inv, metrics, r, http_stages.get(api_id) or {})
        elif isinstance(r, DynamoTable):
            dims = {"TableName": r.name}
            found = metrics.evidence(
                read_units=metrics.get("AWS/DynamoDB", "ConsumedReadCapacityUnits", **dims),
                write_units=metrics.get("AWS/DynamoDB", "ConsumedWriteCapacityUnits", **dims))
        elif isinstance(r, CacheBehavior) and r.source.address.endswith(
                "#DefaultCacheBehavior"):
            dist_id = r.distribution.rsplit("/", 1)[-1]
            dims = {"DistributionId": dist_id, "Region": "Global"}
            found = metrics.evidence(
                requests=metrics.get("AWS/CloudFront", "Requests", **dims),
                hit_rate_percent=metrics.get("AWS/CloudFront", "CacheHitRate", **dims))
        if found is not None:
            inv.evidence[r.source.address] = found


# --- the snapshot ---------------------------------------------------------------------------------


def map_snapshot(snapshot: dict) -> Inventory:
    inv = Inventory()
    window = snapshot.get("window")
    for acct in snapshot.get("accounts", []):
        account = str(acct.get("account_id", ""))
        http_apis: dict[str, str] = {}
        regional: list[Resource] = []
        for region, data in sorted((acct.get("regions") or {}).items()):
            w = _Where(account, region)
            api = data.get("apigateway") or {}
            for a in api.get("http_apis", []):
                http_apis[f"{a.get('ApiId')}.execute-api.{region}."] = http_api_arn(
                    region, str(a.get("ApiId")))
            found = [*_rest_apis(w, api), *_http_apis(w, api), *_datastores(w, data)]
            names = {str(a.get("id")): str(a.get("name", "")) for a in api.get("rest_apis", [])}
            https = {str(a.get("ApiId")): a for a in api.get("http_apis", [])}
            _attach(inv, _Metrics(data.get("metrics") or [], window), found, names, https)
            regional += found
        glob = acct.get("global") or {}
        w = _Where(account, "global")
        edge = _cloudfront(w, glob.get("cloudfront") or {}, http_apis)
        _attach(inv, _Metrics(glob.get("metrics") or [], window), edge, {})
        inv.resources += regional + edge
    for warning in snapshot.get("warnings", []):
        inv.warnings.append(describe_warning(warning))
    return inv


def describe_warning(w: dict) -> str:
    where = "/".join(x for x in (w.get("account"), w.get("region")) if x)
    return (f"{where}: {w.get('service')}:{w.get('operation')} not read "
            f"({w.get('kind')}): {w.get('message')}")
