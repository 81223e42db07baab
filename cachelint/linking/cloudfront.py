"""CloudFront: declared behaviours and policies -> effective cache keys and TTLs, managed
policies, legacy ForwardedValues, origins and edge functions."""

from __future__ import annotations

from dataclasses import replace

from typing import Any

from cachelint import managed
from cachelint.model import (
    CLOUDFRONT_DEFAULT_ALLOWED_METHODS, CLOUDFRONT_LEGACY_DEFAULT_TTL, CLOUDFRONT_LEGACY_MAX_TTL,
    CacheBehavior, CachePolicy, EdgeFunction, KeySet, OriginRequestPolicy, Source,
)
from cachelint.values import UNKNOWN, Symbol

# --- CloudFront ----------------------------------------------------------------------------------


def key_set(behavior: Any, items: Any) -> KeySet:
    """A policy's headers, cookies or query strings config as written: a behaviour left out is
    ``none``; names that cannot be read are none."""
    return KeySet("none" if behavior in (None, "") else behavior,
                  tuple(items) if isinstance(items, (list, tuple)) else ())


def cache_policy(*, source: Source, name: Any, min_ttl: Any, default_ttl: Any, max_ttl: Any,
                 headers: KeySet, cookies: KeySet, query_strings: KeySet) -> CachePolicy:
    """A custom cache policy; TTLs it leaves out (None) take CloudFront's defaults: 0 minimum,
    the legacy default and maximum TTLs (docs/aws-facts.md)."""
    return CachePolicy(
        source=source, name=name, managed=False, min_ttl=0 if min_ttl is None else min_ttl,
        default_ttl=CLOUDFRONT_LEGACY_DEFAULT_TTL if default_ttl is None else default_ttl,
        max_ttl=CLOUDFRONT_LEGACY_MAX_TTL if max_ttl is None else max_ttl,
        headers=headers, cookies=cookies, query_strings=query_strings)


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


# The origin kind of a domain that names a resource of the scan, by the resource's type in each
# source (a type prefix). An S3 bucket's website endpoint is a custom origin.
ORIGIN_TYPES = {
    "s3": ("aws_s3_bucket", "AWS::S3::Bucket"),
    "apigateway": ("aws_api_gateway_", "aws_apigatewayv2_", "AWS::ApiGateway::",
                   "AWS::ApiGatewayV2::", "AWS::Serverless::Api", "AWS::Serverless::HttpApi"),
    "lambda-url": ("aws_lambda_function_url", "AWS::Lambda::Url"),
    "elb": ("aws_lb", "aws_alb", "aws_elb", "AWS::ElasticLoadBalancingV2::LoadBalancer",
            "AWS::ElasticLoadBalancing::LoadBalancer"),
}


def _of_type(type_: str, kind: str) -> bool:
    prefixes = ORIGIN_TYPES[kind]
    if kind in ("s3", "apigateway"):
        return type_.startswith(prefixes)
    return type_ in prefixes


def origin_kind(domain: Any, s3_config: bool, custom_config: bool, oac: Any,
                targets: tuple = (), text: Any = None) -> str:
    """s3, apigateway, lambda-url, elb, custom or unknown, from what an origin declares: its
    domain, the resources of the scan its domain names (``targets``: (type, attribute) pairs)
    and the domain's text where only part of it is known (``text``)."""
    if s3_config:
        return "s3"
    if not isinstance(domain, str) and (targets or isinstance(text, str)):
        website = isinstance(text, str) and "website" in text.lower()
        if any(_of_type(t, "s3") and "website" not in a.lower() and not website
               for t, a in targets):
            return "s3"
        if any(_of_type(t, "apigateway") for t, _ in targets) or (
                isinstance(text, str) and ".execute-api." in text):
            return "apigateway"
        for kind in ("lambda-url", "elb"):
            if any(_of_type(t, kind) for t, _ in targets):
                return kind
        if targets:
            return "custom"
    if isinstance(domain, str):
        d = domain.lower()
        if ".s3." in d or (d.endswith(".s3.amazonaws.com") and "website" not in d):
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


def resolve_policy(value: Any, source: Source, policies: dict) -> Any:
    """The cache policy a behaviour's ``CachePolicyId`` names: None where none is set, one of
    the scan's ``policies`` (by reference, logical id or id), a managed one, else UNKNOWN. A
    value of ``policies`` may be a managed policy's name or id (a Terraform data source)."""
    if value is None or value == "":
        return None
    key = value.address if isinstance(value, Symbol) else value
    found = policies.get(key) if isinstance(key, str) else None
    if isinstance(found, CachePolicy):
        return found
    name = found if found is not None else value
    # Findings about a managed policy point at the behaviour's CachePolicyId.
    at = replace(source, location=source.locate("cache_policy_id"), fields={})
    return (managed_policy(name, at) if isinstance(name, str) else None) or UNKNOWN


def cache_behavior(*, source: Source, distribution: str, path_pattern: Any,
                   allowed_methods: Any, origin: Any, policy_id: Any, policies: dict,
                   has_forwarded_values: Any,
                   legacy_key: tuple[KeySet, KeySet, KeySet] | None,
                   min_ttl: Any, default_ttl: Any, max_ttl: Any,
                   ttls_written: bool, functions: Any = (),
                   origin_request: Any = None) -> CacheBehavior:
    """A behaviour's effective key and TTLs: from its cache policy if it has one (custom or
    managed, :func:`resolve_policy`), else from legacy ForwardedValues (``legacy_key``, None
    where there are none) and TTLs with CloudFront's defaults. ``path_pattern`` (None: the
    default behaviour, ``*``), ``min_ttl``/``default_ttl``/``max_ttl`` and
    ``allowed_methods`` are what the behaviour itself writes (None: unset, so CloudFront's
    defaults apply)."""
    if path_pattern is None:
        path_pattern = "*"
    if allowed_methods is None:
        allowed_methods = CLOUDFRONT_DEFAULT_ALLOWED_METHODS
    has_policy: Any = UNKNOWN if policy_id is UNKNOWN else policy_id not in (None, "")
    policy = resolve_policy(policy_id, source, policies) if has_policy is True else None
    if legacy_key is None:
        legacy_key = KeySet(), KeySet(), KeySet()
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
        fields = {field: source.locate("cache_policy_id") if policy.managed
                  else policy.source.locate(field)
                  for field in ("min_ttl", "default_ttl", "max_ttl", "headers", "cookies",
                                "query_strings")}
        common["source"] = replace(source, fields={**source.fields, **fields})
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
