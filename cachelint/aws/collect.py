"""Read a live AWS account into a snapshot: the caching resources of each region, projected to
the fields cachelint uses (no stage variables, origin custom headers, tags other than
``cachelint:*``, or anything else that may hold a secret), and CloudWatch figures as evidence.

The snapshot is plain JSON in AWS's own field names. :mod:`cachelint.aws.mapping` turns it into
the normalized model, the same way for a live scan and for ``cachelint scan account.json``.
"""

from __future__ import annotations

import datetime as dt
import json
import socket
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any, Callable

from botocore.exceptions import (
    BotoCoreError, ClientError, ConnectTimeoutError, EndpointConnectionError, NoCredentialsError,
    ReadTimeoutError,
)

from cachelint import __version__
from cachelint.aws import SNAPSHOT_FORMAT
from cachelint.aws import evidence
from cachelint.aws.session import (
    DEFAULT_REGION, Account, AwsSetupError, CallLog, ClientSettings, assume, base_session,
    client, frozen, read_accounts_file, role_for,
)

ACCESS_DENIED = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation",
                 "AuthorizationError", "UnauthorizedException", "NotAuthorized"}
THROTTLED = {"Throttling", "ThrottlingException", "TooManyRequestsException",
             "RequestLimitExceeded", "RequestThrottled", "SlowDown"}
DISABLED = {"OptInRequired", "SubscriptionRequiredException", "UnrecognizedClientException",
            "InvalidClientTokenId", "AuthFailure", "InvalidSignatureException",
            "RegionDisabledException"}
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


@dataclass
class Collection:
    """What one run read, and what it could not."""

    snapshot: dict
    log: CallLog

    @property
    def warnings(self) -> list[dict]:
        """What could not be read: the snapshot's own record."""
        return self.snapshot["warnings"]


def failure(exc: BaseException) -> tuple[str, str]:
    """(kind, one-line text) for an exception met while reading."""
    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        code = str(err.get("Code", "Error"))
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
        text = f"{code}: {err.get('Message', '')}".strip().rstrip(":")
        if code in ACCESS_DENIED or status == 403 and code not in DISABLED:
            return "access-denied", text
        if code in THROTTLED:
            return "throttled", f"{text} (retries exhausted)"
        if code in DISABLED:
            return "region-disabled", text
        if status >= 500:
            return "server-error", f"{text} (HTTP {status}, retries exhausted)"
        return "error", text
    if isinstance(exc, (ConnectTimeoutError, ReadTimeoutError, socket.timeout, TimeoutError)):
        return "timeout", str(exc).splitlines()[0]
    if isinstance(exc, EndpointConnectionError):
        return "unreachable", str(exc).splitlines()[0]
    return "error", f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"


class Reader:
    """The clients of one (account, region) and calls that turn failures into warnings."""

    def __init__(self, account: Account, region: str, log: CallLog, settings: ClientSettings):
        self.account, self.region, self.log, self.settings = account, region, log, settings
        self.session = account.session()
        self.clients: dict[str, Any] = {}
        self.warnings: list[dict] = []

    def client(self, service: str) -> Any:
        if service not in self.clients:
            self.clients[service] = client(self.session, service, self.region, self.log,
                                           self.settings)
        return self.clients[service]

    def _warn(self, service: str, operation: str, exc: BaseException) -> None:
        kind, text = failure(exc)
        self.warnings.append({"account": self.account.account_id, "region": self.region,
                              "service": service, "operation": operation, "kind": kind,
                              "message": text})

    def call(self, service: str, operation: str, **params: Any) -> dict | None:
        try:
            return getattr(self.client(service), operation)(**params)
        except (ClientError, BotoCoreError, OSError) as exc:
            if isinstance(exc, NoCredentialsError):
                raise AwsSetupError(str(exc)) from None
            self._warn(service, operation, exc)
            return None

    def pages(self, service: str, operation: str, key: str | Callable[[dict], list],
              **params: Any) -> list | None:
        """Every item over every page; None (and a warning) if a page could not be read."""
        c = self.client(service)
        items: list = []
        pick = key if callable(key) else (lambda page: page.get(key) or [])
        try:
            if c.can_paginate(operation):
                for page in c.get_paginator(operation).paginate(**params):
                    items.extend(pick(page))
                return items
            token_in, token_out = _TOKENS.get((service, operation), ("NextToken", "NextToken"))
            while True:
                page = getattr(c, operation)(**params)
                items.extend(pick(page))
                token = _dig(page, token_out)
                if not token:
                    return items
                params[token_in] = token
        except (ClientError, BotoCoreError, OSError) as exc:
            if isinstance(exc, NoCredentialsError):
                raise AwsSetupError(str(exc)) from None
            self._warn(service, operation, exc)
            return None


# Operations without a botocore paginator: (request token, response token path).
_TOKENS = {
    ("cloudfront", "list_cache_policies"): ("Marker", "CachePolicyList.NextMarker"),
    ("cloudfront", "list_origin_request_policies"): ("Marker",
                                                     "OriginRequestPolicyList.NextMarker"),
    ("elasticache", "describe_serverless_caches"): ("NextToken", "NextToken"),
    ("apigateway", "get_authorizers"): ("position", "position"),
}


def _dig(data: Any, path: str) -> Any:
    for part in path.split("."):
        data = data.get(part) if isinstance(data, dict) else None
    return data


def _pick(data: Any, *keys: str) -> dict:
    return {k: data[k] for k in keys if isinstance(data, dict) and k in data}


def _items(data: Any) -> list:
    """AWS's ``{"Quantity": n, "Items": [...]}`` lists (CloudFront)."""
    return list(data.get("Items") or []) if isinstance(data, dict) else []


def _tags(tags: Any) -> dict:
    """Only cachelint's own tags: other tags may hold anything."""
    if isinstance(tags, list):
        tags = {t.get("Key"): t.get("Value") for t in tags if isinstance(t, dict)}
    if not isinstance(tags, dict):
        return {}
    return {k: v for k, v in tags.items() if k in SCAN_TAGS}


# --- services -----------------------------------------------------------------------------------


def read_apigateway(r: Reader) -> dict:
    out: dict[str, Any] = {"rest_apis": [], "http_apis": []}
    for api in r.pages("apigateway", "get_rest_apis", "items") or []:
        api_id = api.get("id")
        entry: dict[str, Any] = {**_pick(api, "id", "name"), "tags": _tags(api.get("tags")),
                                 "stages": [], "resources": [], "authorizers": []}
        stages = r.call("apigateway", "get_stages", restApiId=api_id)
        for stage in (stages or {}).get("item") or []:
            entry["stages"].append({
                **_pick(stage, "stageName", "cacheClusterEnabled", "cacheClusterSize",
                        "cacheClusterStatus", "methodSettings"),
                "tags": _tags(stage.get("tags"))})
        for res in r.pages("apigateway", "get_resources", "items", restApiId=api_id,
                           embed=["methods"]) or []:
            methods = {}
            for verb, method in (res.get("resourceMethods") or {}).items():
                if not method or "httpMethod" not in method:  # not embedded: ask for it
                    method = r.call("apigateway", "get_method", restApiId=api_id,
                                    resourceId=res.get("id"), httpMethod=verb) or {}
                integration = method.get("methodIntegration") or {}
                methods[verb] = {**_pick(method, "httpMethod", "authorizationType",
                                         "authorizerId"),
                                 "methodIntegration": _pick(integration, "type",
                                                            "cacheKeyParameters")}
            entry["resources"].append({**_pick(res, "id", "path"), "resourceMethods": methods})
        for az in r.pages("apigateway", "get_authorizers", "items", restApiId=api_id) or []:
            entry["authorizers"].append(_pick(az, "id", "name", "type", "identitySource"))
        out["rest_apis"].append(entry)
    for api in r.pages("apigatewayv2", "get_apis", "Items") or []:
        if api.get("ProtocolType") != "HTTP":
            continue
        routes = r.pages("apigatewayv2", "get_routes", "Items", ApiId=api.get("ApiId")) or []
        out["http_apis"].append({**_pick(api, "ApiId", "Name", "ProtocolType", "ApiEndpoint"),
                                 "Tags": _tags(api.get("Tags")),
                                 "Routes": [rt.get("RouteKey") for rt in routes]})
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


_DAX_PARAMETERS = ("record-ttl-millis", "query-ttl-millis")


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
        t = described.get("Table", {})
        tables.append({**_pick(t, "TableName", "TableArn", "GlobalTableVersion"),
                       "Replicas": [_pick(x, "RegionName") for x in t.get("Replicas") or []]})
    return {"tables": tables}


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


def read_cloudfront(r: Reader) -> dict:
    out: dict[str, Any] = {"distributions": [], "cache_policies": [],
                           "origin_request_policies": []}
    for d in r.pages("cloudfront", "list_distributions",
                     lambda p: (p.get("DistributionList") or {}).get("Items") or []) or []:
        origins = [{**_pick(o, "Id", "DomainName", "OriginAccessControlId"),
                    "S3OriginConfig": "S3OriginConfig" in o,
                    "CustomOriginConfig": "CustomOriginConfig" in o,
                    "OriginShield": _pick(o.get("OriginShield"), "Enabled")}
                   for o in _items(d.get("Origins"))]
        out["distributions"].append({
            **_pick(d, "Id", "ARN", "DomainName", "Enabled"), "Origins": origins,
            "DefaultCacheBehavior": _behavior(d.get("DefaultCacheBehavior") or {}),
            "CacheBehaviors": [_behavior(b) for b in _items(d.get("CacheBehaviors"))]})
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


# --- the run ------------------------------------------------------------------------------------


def _json_safe(value: Any) -> Any:
    return json.loads(json.dumps(value, default=lambda v: v.isoformat()
                                 if isinstance(v, (dt.datetime, dt.date)) else str(v)))


def _regions(options: AwsOptions, account: Account, log: CallLog) -> tuple[list[str], list]:
    if options.regions:
        return list(dict.fromkeys(options.regions)), []
    home = account.credentials.get("region_name") or DEFAULT_REGION
    if not options.all_regions:
        return [home], []
    r = Reader(account, home, log, options.settings)
    found = r.call("ec2", "describe_regions")  # only the regions enabled for the account
    if found is None:
        return [home], r.warnings
    return sorted(x["RegionName"] for x in found.get("Regions", [])), r.warnings


def _accounts(options: AwsOptions, log: CallLog) -> list[Account]:
    session = base_session(options.profile)
    creds = frozen(session)
    home = session.region_name or DEFAULT_REGION
    ids: list[str] = []
    if options.accounts_file:
        ids = read_accounts_file(options.accounts_file)
    elif options.organization:
        me = Account("", creds)
        r = Reader(me, home, log, options.settings)
        listed = r.pages("organizations", "list_accounts", "Accounts")
        if listed is None:
            raise AwsSetupError("--organization: cannot list the organization's accounts: "
                                + r.warnings[-1]["message"])
        ids = [a["Id"] for a in listed if a.get("Status", "ACTIVE") == "ACTIVE"]
    if ids and not options.role_arn:
        raise AwsSetupError("--accounts/--organization need --role-arn: the role to assume in "
                            "each account")
    if not ids:
        if options.role_arn:
            role = options.role_arn
            creds = assume(session, role, options.external_id, log, options.settings)
        account_id = _caller(Account("", creds), home, log, options.settings)
        return [Account(account_id, _with_region(creds, home))]
    out = []
    for account_id in ids:
        role = role_for(options.role_arn or "", account_id)
        out.append(Account(account_id, _with_region(
            assume(session, role, options.external_id, log, options.settings), home)))
    return out


def _with_region(creds: dict, region: str) -> dict:
    return {**creds, "region_name": region}


def _caller(account: Account, region: str, log: CallLog, settings: ClientSettings) -> str:
    r = Reader(account, region, log, settings)
    me = r.call("sts", "get_caller_identity")
    if me is None:
        raise AwsSetupError("cannot identify the AWS account: " + r.warnings[-1]["message"])
    return me["Account"]


def collect(options: AwsOptions, progress: Callable[[int, int], None] | None = None,
            log: CallLog | None = None, now: dt.datetime | None = None) -> Collection:
    """Read every account and region of ``options`` concurrently (a bounded pool)."""
    log = log or CallLog()
    now = now or dt.datetime.now(dt.timezone.utc)
    start = now - dt.timedelta(days=options.window_days)
    accounts = _accounts(options, log)
    warnings: list[dict] = []
    tasks: list[tuple[Account, str, str]] = []
    for account in accounts:
        regions, problems = _regions(options, account, log)
        warnings += problems
        tasks += [(account, region, "region") for region in regions]
        tasks.append((account, DEFAULT_REGION, "global"))  # CloudFront and its metrics
    results: dict[tuple[str, str], dict] = {}

    def run(task: tuple[Account, str, str]) -> tuple[tuple[Account, str, str], dict, list]:
        account, region, kind = task
        r = Reader(account, region, log, options.settings)
        data = _read_global(r) if kind == "global" else _read_region(r)
        if options.metrics:
            data["metrics"] = evidence.collect(r, data, start, now, global_=kind == "global")
        return task, data, r.warnings

    done = 0
    with ThreadPoolExecutor(max_workers=max(1, options.workers)) as pool:
        futures = [pool.submit(run, t) for t in tasks]
        for future in as_completed(futures):
            (account, region, kind), data, problems = future.result()
            results[(account.account_id, f"{kind}:{region}")] = data
            warnings += problems
            done += 1
            if progress:
                progress(done, len(tasks))
    snapshot = {
        "cachelint_snapshot": SNAPSHOT_FORMAT, "cachelint_version": __version__,
        "created": now.isoformat(timespec="seconds"),
        "window": {"start": start.isoformat(timespec="seconds"),
                   "end": now.isoformat(timespec="seconds"), "days": options.window_days}
        if options.metrics else None,
        "accounts": [{
            "account_id": a.account_id,
            "global": results.get((a.account_id, f"global:{DEFAULT_REGION}"), {}),
            "regions": {region.split(":", 1)[1]: data
                        for (acct, region), data in sorted(results.items())
                        if acct == a.account_id and region.startswith("region:")}}
            for a in accounts],
        "warnings": sorted(warnings, key=lambda w: (w["account"], w["region"], w["service"],
                                                    w["operation"])),
        "api_calls": sum(log.calls.values()),
    }
    return Collection(_json_safe(snapshot), log)


def _read_region(r: Reader) -> dict:
    role_cache: dict[str, dict] = {}

    def roles(arn: str) -> dict:
        if arn not in role_cache:
            role_cache[arn] = read_role_tables(r, arn)
        return role_cache[arn]

    return {"apigateway": read_apigateway(r), "elasticache": read_elasticache(r),
            "dax": read_dax(r, roles), "dynamodb": read_dynamodb(r)}


def _read_global(r: Reader) -> dict:
    return {"cloudfront": read_cloudfront(r)}
