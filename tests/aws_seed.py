"""Seed a moto account over HTTP with boto3, as a user would create it.

:func:`seed_shop` builds what ``examples/shop`` declares in Terraform (same names, same
mistakes), so a live scan can be compared with the scan of the code. Where the live API cannot
hold what the code says (a TTL of 7200 s is rejected by API Gateway), the nearest valid value
with the same mistake is used and said below.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import boto3

ACCOUNT = "123456789012"
REGION = "us-east-1"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # Managed-CachingDisabled
STAGE_SECRET = "s3cr3t-stage-variable-value"
ORIGIN_SECRET = "s3cr3t-origin-verify-header"


def clients(url: str, region: str = REGION) -> Any:
    class C:
        def __getattr__(self, service: str) -> Any:
            return boto3.client(service, endpoint_url=url, region_name=region,
                                aws_access_key_id="testing", aws_secret_access_key="testing")
    return C()


def _patch(path: str, value: Any) -> dict:
    return {"op": "replace", "path": path, "value": str(value).lower()
            if isinstance(value, bool) else str(value)}


def seed_api(c: Any, name: str = "shop-api", routes: dict | None = None,
             stage_settings: dict | None = None, cache_cluster: bool = True) -> tuple[str, dict]:
    """A REST API with one resource per route (path -> (verb, authorization)), deployed to
    stage prod; ``stage_settings`` are methodSettings patches {"*/*": {...}, ...}."""
    ag = c.apigateway
    routes = routes if routes is not None else {
        "products": ("GET", "NONE"), "me": ("GET", "COGNITO_USER_POOLS"),
        "accounts": ("GET", "COGNITO_USER_POOLS"), "orders": ("POST", "COGNITO_USER_POOLS")}
    api = ag.create_rest_api(name=name)["id"]
    root = ag.get_resources(restApiId=api)["items"][0]["id"]
    authorizer = ag.create_authorizer(
        restApiId=api, name="users", type="COGNITO_USER_POOLS",
        providerARNs=["arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Example"],
        identitySource="method.request.header.Authorization")["id"]
    ids = {}
    for path, (verb, auth) in routes.items():
        res = ag.create_resource(restApiId=api, parentId=root, pathPart=path)["id"]
        ids[path] = res
        extra = {"authorizerId": authorizer} if auth != "NONE" else {}
        ag.put_method(restApiId=api, resourceId=res, httpMethod=verb, authorizationType=auth,
                      **extra)
        ag.put_integration(restApiId=api, resourceId=res, httpMethod=verb, type="HTTP_PROXY",
                           integrationHttpMethod=verb, uri=f"https://backend.example/{path}",
                           cacheKeyParameters=[])
    ag.create_deployment(restApiId=api, stageName="prod",
                         variables={"backendToken": STAGE_SECRET})
    ops = [_patch("/cacheClusterEnabled", cache_cluster)]
    if cache_cluster:
        ops.append(_patch("/cacheClusterSize", "0.5"))
    for key, values in (stage_settings or {}).items():
        for setting, value in values.items():
            ops.append(_patch(f"/{key}/{setting}", value))
    ag.update_stage(restApiId=api, stageName="prod", patchOperations=ops)
    return api, ids


def seed_shop(c: Any, layer: Any) -> dict:
    """examples/shop, deployed. Its tfvars ask for an API cache TTL of 7200 s, which API
    Gateway rejects; the account gets 3600 (the maximum) instead, so CL109 cannot occur live."""
    api, _ = seed_api(c, stage_settings={
        "*/*": {"metrics/enabled": True, "caching/enabled": True, "caching/ttlInSeconds": 3600,
                "caching/dataEncrypted": False,
                "caching/requireAuthorizationForCacheControl": False},
        "orders/POST": {"caching/enabled": True, "caching/ttlInSeconds": 60,
                        "caching/dataEncrypted": True},
        "products/GET": {"caching/enabled": True, "caching/ttlInSeconds": 0,
                         "caching/dataEncrypted": True}})
    seed_cdn(c, api)
    layer.add_cache_parameter_group(REGION, "shop-sessions", "redis7",
                                    {"maxmemory-policy": "noeviction"})
    c.elasticache.create_replication_group(
        ReplicationGroupId="shop-sessions", ReplicationGroupDescription="user sessions",
        Engine="redis", EngineVersion="7.1", CacheNodeType="cache.t4g.small",
        NumCacheClusters=1, CacheParameterGroupName="shop-sessions")
    table = seed_table(c, "shop-orders", replica="eu-west-1")
    layer.add_dax_parameter_group(REGION, "shop-orders", {"record-ttl-millis": "0",
                                                          "query-ttl-millis": "60000"})
    seed_dax(c, "shop-orders", [table], parameter_group="shop-orders", nodes=1)
    return {"api": api}


def seed_cdn(c: Any, api: str) -> str:
    behaviours = {"Quantity": 3, "Items": [
        {"PathPattern": "/assets/*", "TargetOriginId": "site",
         "ViewerProtocolPolicy": "redirect-to-https",
         "AllowedMethods": {"Quantity": 2, "Items": ["GET", "HEAD"]},
         "ForwardedValues": {"QueryString": True, "Cookies": {"Forward": "all"},
                             "Headers": {"Quantity": 0}},
         "MinTTL": 0, "DefaultTTL": 86400, "MaxTTL": 31536000},
        {"PathPattern": "/api/*", "TargetOriginId": "api", "ViewerProtocolPolicy": "https-only",
         "AllowedMethods": {"Quantity": 7, "Items": ["GET", "HEAD", "OPTIONS", "PUT", "POST",
                                                     "PATCH", "DELETE"]},
         "ForwardedValues": {"QueryString": True, "Cookies": {"Forward": "none"},
                             "Headers": {"Quantity": 1, "Items": ["*"]}},
         "MinTTL": 60, "DefaultTTL": 300, "MaxTTL": 3600},
        {"PathPattern": "/me/*", "TargetOriginId": "api", "ViewerProtocolPolicy": "https-only",
         "AllowedMethods": {"Quantity": 2, "Items": ["GET", "HEAD"]},
         "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",  # CachingOptimized
         "OriginRequestPolicyId": "216adef6-5c7f-47e4-b989-5492eafa07d3"}]}  # AllViewer
    config = {
        "CallerReference": "shop-web", "Comment": "shop-web", "Enabled": True,
        "DefaultRootObject": "index.html",
        "Origins": {"Quantity": 2, "Items": [
            {"Id": "site", "DomainName": "shop-site-assets.s3.us-east-1.amazonaws.com",
             "S3OriginConfig": {"OriginAccessIdentity": ""},
             "OriginAccessControlId": "E2QWRUHAPOMQZL"},
            {"Id": "api", "DomainName": f"{api}.execute-api.us-east-1.amazonaws.com",
             "OriginPath": "/prod",
             "CustomHeaders": {"Quantity": 1, "Items": [
                 {"HeaderName": "X-Origin-Verify", "HeaderValue": ORIGIN_SECRET}]},
             "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443,
                                    "OriginProtocolPolicy": "https-only"}}]},
        "DefaultCacheBehavior": {"TargetOriginId": "site",
                                 "ViewerProtocolPolicy": "redirect-to-https",
                                 "AllowedMethods": {"Quantity": 2, "Items": ["GET", "HEAD"]},
                                 "CachePolicyId": CACHING_DISABLED},
        "CacheBehaviors": behaviours}
    return c.cloudfront.create_distribution(DistributionConfig=config)["Distribution"]["Id"]


def seed_table(c: Any, name: str, replica: str | None = None) -> str:
    ddb = c.dynamodb
    arn = ddb.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )["TableDescription"]["TableArn"]
    if replica:
        ddb.update_table(TableName=name, ReplicaUpdates=[{"Create": {"RegionName": replica}}])
    return arn


def seed_dax(c: Any, name: str, table_arns: list[str], parameter_group: str | None = None,
             nodes: int = 3, sse: bool = False, tls: bool = False) -> None:
    role = c.iam.create_role(RoleName=f"{name}-dax", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                "Principal": {"Service": "dax.amazonaws.com"}}]}))
    c.iam.put_role_policy(RoleName=f"{name}-dax", PolicyName="tables", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Resource": table_arns,
            "Action": ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:BatchGetItem",
                       "dynamodb:PutItem"]}]}))
    extra = {"ParameterGroupName": parameter_group} if parameter_group else {}
    c.dax.create_cluster(ClusterName=name, NodeType="dax.r5.large", ReplicationFactor=nodes,
                         IamRoleArn=role["Role"]["Arn"], SSESpecification={"Enabled": sse},
                         ClusterEndpointEncryptionType="TLS" if tls else "NONE", **extra)


def put_metric(c: Any, namespace: str, metric: str, dims: dict, total: float,
               hours_ago: float = 2.0) -> None:
    """One datapoint carrying ``total`` inside the scan window."""
    c.cloudwatch.put_metric_data(Namespace=namespace, MetricData=[{
        "MetricName": metric, "Dimensions": [{"Name": k, "Value": v} for k, v in dims.items()],
        "Timestamp": dt.datetime.now(dt.UTC) - dt.timedelta(hours=hours_ago),
        "Value": total}])
