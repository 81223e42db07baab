"""Read a live AWS account into a snapshot: the caching resources of each region, projected to
the fields cachelint uses (no stage variables, origin custom headers, tags other than
``cachelint:*``, or anything else that may hold a secret), and CloudWatch figures as evidence.

The snapshot is plain JSON in AWS's own field names. :mod:`cachelint.aws.mapping` turns it into
the normalized model, the same way for a live scan and for ``cachelint scan account.json``.
:mod:`cachelint.aws.accounts` runs these readers over every account and Region of a scan.
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Callable
from typing import Any

from cachelint.aws import evidence
from cachelint.aws.reader import Reader, failure  # noqa: F401  (failure: for callers)
from cachelint.aws.session import ClientSettings
from cachelint.model import DAX_TTL_PARAMETERS

SCAN_TAGS = ("cachelint:hot", "cachelint:consistency")


@dataclass(frozen=True)
class AwsOptions:
    profile: str | None = None
    regions: tuple[str, ...] = ()
    all_regions: bool = False
    role_arn: str | None = None
    external_id: str | None = None
    accounts_file: str | None = None
    organization: bool = False
    window_days: float = 7.0
    metrics: bool = True
    workers: int = 8
    settings: ClientSettings = ClientSettings()
    # Write each account's snapshot into this folder as it completes (memory then holds the
    # accounts being read, not the organization); resume: skip the accounts already there.
    snapshot_dir: str | None = None
    resume: bool = False
    # Where the caching resources are, and those AWS Config records, from this aggregator
    # (cachelint.aws.config); the rest is read through the API, in the accounts Config names.
    config_aggregator: str | None = None


def collect(options: AwsOptions, progress: Callable[..., None] | None = None,
            log: Any = None, now: Any = None) -> Any:
    """Read every account and Region of ``options`` (see :func:`cachelint.aws.accounts.run`)."""
    from cachelint.aws.accounts import run

    return run(options, progress=progress, log=log, now=now)


def _pick(data: Any, *keys: str) -> dict:
    return {k: data[k] for k in keys if isinstance(data, dict) and k in data}


def _mapping_sources(params: Any) -> Any:
    """An integration's request parameters with what they are mapped from; a static value
    (quoted: a backend token may be one) is not kept, only that it is one."""
    if not isinstance(params, dict):
        return params
    return {k: "'(static value)'" if isinstance(v, str) and v.startswith("'") else v
            for k, v in params.items()}


def _items(data: Any) -> list:
    """AWS's ``{"Quantity": n, "Items": [...]}`` lists (CloudFront)."""
    return list(data.get("Items") or []) if isinstance(data, dict) else []


def own_tags(tags: Any, key: str = "Key", value: str = "Value") -> dict:
    """Only cachelint's own tags: other tags may hold anything. ``tags`` is a map or a list of
    ``{Key, Value}`` (AWS Config: ``{key, value}``, with ``key``/``value`` named so)."""
    if isinstance(tags, list):
        tags = {t.get(key): t.get(value) for t in tags if isinstance(t, dict)}
    if not isinstance(tags, dict):
        return {}
    return {k: v for k, v in tags.items() if k in SCAN_TAGS}


# --- services -----------------------------------------------------------------------------------


def read_apigateway(r: Reader) -> dict:
    out: dict[str, Any] = {"rest_apis": [], "http_apis": []}
    for api in r.pages("apigateway", "get_rest_apis", "items") or []:
        api_id = api.get("id")
        entry: dict[str, Any] = {**_pick(api, "id", "name"), "tags": own_tags(api.get("tags")),
                                 "stages": [], "resources": [], "authorizers": []}
        stages = r.call("apigateway", "get_stages", restApiId=api_id)
        for stage in (stages or {}).get("item") or []:
            entry["stages"].append({
                **_pick(stage, "stageName", "cacheClusterEnabled", "cacheClusterSize",
                        "cacheClusterStatus", "methodSettings"),
                "tags": own_tags(stage.get("tags"))})
        for res in r.pages("apigateway", "get_resources", "items", restApiId=api_id,
                           embed=["methods"]) or []:
            methods = {}
            for verb, method in (res.get("resourceMethods") or {}).items():
                if not method or "httpMethod" not in method:  # not embedded: ask for it
                    method = r.call("apigateway", "get_method", restApiId=api_id,
                                    resourceId=res.get("id"), httpMethod=verb) or {}
                integration = method.get("methodIntegration") or {}
                kept = _pick(integration, "type", "cacheKeyParameters")
                if "requestParameters" in integration:
                    kept["requestParameters"] = _mapping_sources(
                        integration["requestParameters"])
                methods[verb] = {**_pick(method, "httpMethod", "authorizationType",
                                         "authorizerId"), "methodIntegration": kept}
            entry["resources"].append({**_pick(res, "id", "path"), "resourceMethods": methods})
        for az in r.pages("apigateway", "get_authorizers", "items", restApiId=api_id) or []:
            entry["authorizers"].append(_pick(az, "id", "name", "type", "identitySource"))
        out["rest_apis"].append(entry)
    for api in r.pages("apigatewayv2", "get_apis", "Items") or []:
        if api.get("ProtocolType") != "HTTP":
            continue
        routes = r.pages("apigatewayv2", "get_routes", "Items", ApiId=api.get("ApiId")) or []
        # Stages say where detailed (per-route) metrics are on: per-route request counts.
        stages = r.pages("apigatewayv2", "get_stages", "Items", ApiId=api.get("ApiId")) or []
        out["http_apis"].append({**_pick(api, "ApiId", "Name", "ProtocolType", "ApiEndpoint"),
                                 "Tags": own_tags(api.get("Tags")),
                                 "Routes": [rt.get("RouteKey") for rt in routes],
                                 "Stages": [{
                                     "StageName": st.get("StageName"),
                                     "DefaultRouteSettings": _pick(
                                         st.get("DefaultRouteSettings"),
                                         "DetailedMetricsEnabled"),
                                     "RouteSettings": {
                                         k: _pick(v, "DetailedMetricsEnabled") for k, v in
                                         (st.get("RouteSettings") or {}).items()}}
                                     for st in stages]})
    return out


def read_elasticache(r: Reader) -> dict:
    out: dict[str, Any] = {"replication_groups": [], "cache_clusters": [],
                           "serverless_caches": [], "parameter_groups": {}}
    for rg in r.pages("elasticache", "describe_replication_groups", "ReplicationGroups") or []:
        groups = rg.get("NodeGroups") or []
        out["replication_groups"].append({
            **_pick(rg, "ReplicationGroupId", "ARN", "Description", "Engine", "MemberClusters",
                    "AutomaticFailover", "AtRestEncryptionEnabled", "TransitEncryptionEnabled",
                    "ClusterEnabled", "GlobalReplicationGroupInfo"),
            "NodeGroups": [{"NodeGroupMembers": [
                _pick(m, "CacheClusterId") for m in g.get("NodeGroupMembers") or []]}
                for g in groups]})
    for cc in r.pages("elasticache", "describe_cache_clusters", "CacheClusters") or []:
        out["cache_clusters"].append({
            **_pick(cc, "CacheClusterId", "ARN", "Engine", "EngineVersion", "NumCacheNodes",
                    "ReplicationGroupId", "TransitEncryptionEnabled", "AtRestEncryptionEnabled"),
            "CacheParameterGroup": _pick(cc.get("CacheParameterGroup"),
                                         "CacheParameterGroupName")})
    for sc in r.pages("elasticache", "describe_serverless_caches", "ServerlessCaches") or []:
        out["serverless_caches"].append(_pick(sc, "ServerlessCacheName", "ARN", "Engine",
                                              "MajorEngineVersion", "FullEngineVersion"))
    names = {cc["CacheParameterGroup"].get("CacheParameterGroupName")
             for cc in out["cache_clusters"]}
    for name in sorted(n for n in names if n and not n.startswith("default.")):
        params = r.pages("elasticache", "describe_cache_parameters", "Parameters",
                         CacheParameterGroupName=name, Source="user")
        if params is not None:
            out["parameter_groups"][name] = {
                "Parameters": {p["ParameterName"]: p.get("ParameterValue") for p in params
                               if "ParameterName" in p}}
    return out


_DAX_PARAMETERS = tuple(DAX_TTL_PARAMETERS.values())


def read_dax(r: Reader, roles: Callable[[str], dict]) -> dict:
    out: dict[str, Any] = {"clusters": [], "parameter_groups": {}, "roles": {}}
    for c in r.pages("dax", "describe_clusters", "Clusters") or []:
        out["clusters"].append({
            **_pick(c, "ClusterName", "ClusterArn", "TotalNodes", "ClusterEndpointEncryptionType",
                    "IamRoleArn"),
            "SSEDescription": _pick(c.get("SSEDescription"), "Status"),
            "ParameterGroup": _pick(c.get("ParameterGroup"), "ParameterGroupName")})
    names = {c["ParameterGroup"].get("ParameterGroupName") for c in out["clusters"]}
    for name in sorted(n for n in names if n and not n.startswith("default.")):
        params = r.pages("dax", "describe_parameters", "Parameters", ParameterGroupName=name)
        if params is not None:
            out["parameter_groups"][name] = {"Parameters": {
                p["ParameterName"]: p.get("ParameterValue") for p in params
                if p.get("ParameterName") in _DAX_PARAMETERS}}
    for arn in sorted({c.get("IamRoleArn") for c in out["clusters"] if c.get("IamRoleArn")}):
        out["roles"][arn] = roles(arn)
    return out


def read_role_tables(r: Reader, role_arn: str) -> dict:
    """Which DynamoDB tables a role's policies name (ARN strings only), and whether one grants
    every table. Policies that cannot be read leave ``complete`` false."""
    name = role_arn.rsplit("/", 1)[-1]
    documents: list[Any] = []
    complete = True
    inline = r.pages("iam", "list_role_policies", "PolicyNames", RoleName=name)
    complete &= inline is not None
    for policy in inline or []:
        doc = r.call("iam", "get_role_policy", RoleName=name, PolicyName=policy)
        complete &= doc is not None
        documents.append((doc or {}).get("PolicyDocument"))
    attached = r.pages("iam", "list_attached_role_policies", "AttachedPolicies", RoleName=name)
    complete &= attached is not None
    for policy in attached or []:
        meta = r.call("iam", "get_policy", PolicyArn=policy["PolicyArn"])
        version = (meta or {}).get("Policy", {}).get("DefaultVersionId")
        doc = r.call("iam", "get_policy_version", PolicyArn=policy["PolicyArn"],
                     VersionId=version) if version else None
        complete &= doc is not None
        documents.append((doc or {}).get("PolicyVersion", {}).get("Document"))
    return {"complete": complete, **evidence.dynamodb_grants(documents)}


def read_dynamodb(r: Reader) -> dict:
    tables = []
    for name in r.pages("dynamodb", "list_tables", "TableNames") or []:
        described = r.call("dynamodb", "describe_table", TableName=name)
        if described is None:
            continue
        tables.append(table(described.get("Table", {})))
    return {"tables": tables}


def table(t: dict) -> dict:
    """A table's snapshot record, from ``DescribeTable`` (or AWS Config, in API field names)."""
    return {**_pick(t, "TableName", "TableArn", "GlobalTableVersion"),
            "Replicas": [_pick(x, "RegionName") for x in t.get("Replicas") or []]}


def _behavior(b: dict) -> dict:
    fv = b.get("ForwardedValues")
    out = {**_pick(b, "PathPattern", "TargetOriginId", "CachePolicyId", "OriginRequestPolicyId",
                   "MinTTL", "DefaultTTL", "MaxTTL"),
           "AllowedMethods": _items(b.get("AllowedMethods")),
           "LambdaFunctionAssociations": [_pick(a, "EventType", "LambdaFunctionARN")
                                          for a in _items(b.get("LambdaFunctionAssociations"))],
           "FunctionAssociations": [_pick(a, "EventType", "FunctionARN")
                                    for a in _items(b.get("FunctionAssociations"))]}
    if isinstance(fv, dict):
        cookies = fv.get("Cookies") or {}
        out["ForwardedValues"] = {
            "QueryString": fv.get("QueryString"),
            "QueryStringCacheKeys": _items(fv.get("QueryStringCacheKeys")),
            "Headers": _items(fv.get("Headers")),
            "Cookies": {"Forward": cookies.get("Forward"),
                        "WhitelistedNames": _items(cookies.get("WhitelistedNames"))}}
    return out


def _keys(config: Any, behavior: str, items: str) -> dict:
    config = config if isinstance(config, dict) else {}
    return {behavior: config.get(behavior), items: _items(config.get(items))}


def distribution(d: dict) -> dict:
    """A distribution's snapshot record, from its ``DistributionSummary`` (or a configuration
    item of AWS Config turned into API field names: :mod:`cachelint.aws.config`)."""
    origins = [{**_pick(o, "Id", "DomainName", "OriginAccessControlId"),
                "S3OriginConfig": "S3OriginConfig" in o,
                "CustomOriginConfig": "CustomOriginConfig" in o,
                "OriginShield": _pick(o.get("OriginShield"), "Enabled")}
               for o in _items(d.get("Origins"))]
    return {**_pick(d, "Id", "ARN", "DomainName", "Enabled"), "Origins": origins,
            "Aliases": _items(d.get("Aliases")),
            "DefaultCacheBehavior": _behavior(d.get("DefaultCacheBehavior") or {}),
            "CacheBehaviors": [_behavior(b) for b in _items(d.get("CacheBehaviors"))]}


def read_cloudfront(r: Reader) -> dict:
    distributions = r.pages("cloudfront", "list_distributions",
                            lambda p: (p.get("DistributionList") or {}).get("Items") or [])
    return {"distributions": [distribution(d) for d in distributions or []],
            **read_cloudfront_policies(r)}


def read_cloudfront_policies(r: Reader) -> dict:
    """The account's custom cache and origin request policies (AWS Config records neither)."""
    out: dict[str, Any] = {"cache_policies": [], "origin_request_policies": []}
    for item in r.pages("cloudfront", "list_cache_policies",
                        lambda p: (p.get("CachePolicyList") or {}).get("Items") or [],
                        Type="custom") or []:
        policy = item.get("CachePolicy") or {}
        cfg = policy.get("CachePolicyConfig") or {}
        params = cfg.get("ParametersInCacheKeyAndForwardedToOrigin") or {}
        out["cache_policies"].append({
            "Id": policy.get("Id"),
            "CachePolicyConfig": {
                **_pick(cfg, "Name", "MinTTL", "DefaultTTL", "MaxTTL"),
                "HeadersConfig": _keys(params.get("HeadersConfig"), "HeaderBehavior", "Headers"),
                "CookiesConfig": _keys(params.get("CookiesConfig"), "CookieBehavior", "Cookies"),
                "QueryStringsConfig": _keys(params.get("QueryStringsConfig"),
                                            "QueryStringBehavior", "QueryStrings")}})
    for item in r.pages("cloudfront", "list_origin_request_policies",
                        lambda p: (p.get("OriginRequestPolicyList") or {}).get("Items") or [],
                        Type="custom") or []:
        policy = item.get("OriginRequestPolicy") or {}
        cfg = policy.get("OriginRequestPolicyConfig") or {}
        out["origin_request_policies"].append({
            "Id": policy.get("Id"), "Name": cfg.get("Name"),
            "CookiesConfig": _keys(cfg.get("CookiesConfig"), "CookieBehavior", "Cookies")})
    return out


# --- one account --------------------------------------------------------------------------------


# Services whose resources carry declarations only as tags their listings do not return.
TAGGED_SERVICES = ("elasticache", "dax", "dynamodb")


def read_tags(r: Reader) -> dict[str, dict] | None:
    """cachelint's own tags on the Region's ElastiCache, DAX and DynamoDB resources, by ARN:
    one ``tag:GetResources`` call (and its pages) instead of one tag call per resource."""
    found = r.pages("resourcegroupstaggingapi", "get_resources", "ResourceTagMappingList",
                    ResourceTypeFilters=list(TAGGED_SERVICES))
    if found is None:
        return None  # not read: nothing is declared by tag (a declaration only adds findings)
    out = {}
    for mapping in found:
        tags = own_tags(mapping.get("Tags"))
        if tags and isinstance(mapping.get("ResourceARN"), str):
            out[mapping["ResourceARN"]] = tags
    return out


def attach_tags(data: dict, tags: dict[str, dict]) -> None:
    """``Tags`` on each resource that has cachelint tags (the snapshot is unchanged otherwise)."""
    ec, dax, ddb = data["elasticache"], data["dax"], data["dynamodb"]
    for entry, arn in ([(x, x.get("ARN")) for x in ec["replication_groups"]
                        + ec["cache_clusters"] + ec["serverless_caches"]]
                       + [(x, x.get("ClusterArn")) for x in dax["clusters"]]
                       + [(x, x.get("TableArn")) for x in ddb["tables"]]):
        if arn in tags:
            entry["Tags"] = tags[arn]


def read_region(r: Reader) -> dict:
    role_cache: dict[str, dict] = {}

    def roles(arn: str) -> dict:
        if arn not in role_cache:
            role_cache[arn] = read_role_tables(r, arn)
        return role_cache[arn]

    data = {"apigateway": read_apigateway(r), "elasticache": read_elasticache(r),
            "dax": read_dax(r, roles), "dynamodb": read_dynamodb(r)}
    if any(data["elasticache"][k] for k in ("replication_groups", "cache_clusters",
                                            "serverless_caches")) \
            or data["dax"]["clusters"] or data["dynamodb"]["tables"]:
        tags = read_tags(r)  # only where there is something to tag
        if tags:
            attach_tags(data, tags)
    return data


def read_global(r: Reader) -> dict:
    return {"cloudfront": read_cloudfront(r)}
