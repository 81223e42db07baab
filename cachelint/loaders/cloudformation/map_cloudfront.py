"""CloudFormation CloudFront distributions and cache policies -> the model."""

from __future__ import annotations

from typing import Any

from cachelint.linking.cloudfront import (
    cache_behavior, cache_policy, edge_functions, key_set, legacy_cache_key, origin_kind,
    origin_request_policy,
)
from cachelint.loaders.cloudformation.mapping import (
    CfnResource, CfnSourceBuilder, logical_refs, of_type,
)
from cachelint.model import CachePolicy, CloudFrontOrigin, KeySet, OriginRequestPolicy, Resource
from cachelint.values import UNKNOWN, Symbol, as_bool, as_int, as_str, as_str_tuple

# What this reader reads (cachelint/loaders/registry.py).
TYPES = {"AWS::CloudFront::Distribution", "AWS::CloudFront::CachePolicy",
         "AWS::CloudFront::OriginRequestPolicy", "AWS::Lambda::Url"}


def map_resources(resources: list[CfnResource]) -> list[Resource]:
    by_id = {r.logical_id: r for r in resources}
    policies = {r.logical_id: _policy(r)
                for r in of_type(resources, "AWS::CloudFront::CachePolicy")}
    requests = {r.logical_id: _origin_request(r)
                for r in of_type(resources, "AWS::CloudFront::OriginRequestPolicy")}
    out: list[Resource] = list(policies.values())
    for dist in of_type(resources, "AWS::CloudFront::Distribution"):
        config = dist.props.get("DistributionConfig")
        if not isinstance(config, dict):
            continue
        raw_config = dist.raw.get("Properties", {}).get("DistributionConfig", {})
        raw_origins = raw_config.get("Origins") if isinstance(raw_config, dict) else None
        origins: dict = {}
        listed = config.get("Origins") if isinstance(config.get("Origins"), list) else []
        for i, o in enumerate(listed):
            if isinstance(o, dict):
                raw = raw_origins[i] if isinstance(raw_origins, list) and i < len(raw_origins) \
                    else {}
                origin = _origin(o, raw, by_id, dist.template)
                if isinstance(origin.id, str):
                    origins[origin.id] = origin
                if len(listed) == 1 and not config.get("OriginGroups"):
                    # The only origin (and no origin group) is every behaviour's target
                    # (docs/aws-facts.md, 6c), even where the Id is written with a
                    # pseudo parameter (!Sub "S3-${AWS::StackName}") that cannot be read.
                    origins[ONLY_ORIGIN] = origin
        behaviours = []
        if isinstance(config.get("DefaultCacheBehavior"), dict):
            behaviours.append((f"{dist.logical_id}.DefaultCacheBehavior",
                               config["DefaultCacheBehavior"]))
        for i, b in enumerate(config.get("CacheBehaviors") or []):
            if isinstance(b, dict):
                behaviours.append((f"{dist.logical_id}.CacheBehaviors[{i}]", b))
        for address, b in behaviours:
            out.append(_behavior(dist, address, b, origins, policies, requests))
    return out


ONLY_ORIGIN = object()  # the key of a distribution's one origin in ``origins``


def _keyset(config: Any, behavior_key: str, items_key: str) -> KeySet:
    if not isinstance(config, dict):
        return key_set(None, ())
    return key_set(as_str(config.get(behavior_key)), as_str_tuple(config.get(items_key)))


def _policy(r: CfnResource) -> CachePolicy:
    config = r.props.get("CachePolicyConfig")
    config = config if isinstance(config, dict) else {}
    src = CfnSourceBuilder(r)
    for field, key in (("min_ttl", "MinTTL"), ("default_ttl", "DefaultTTL"),
                       ("max_ttl", "MaxTTL")):
        src.mark(field, config, key)
    params = config.get("ParametersInCacheKeyAndForwardedToOrigin")
    params = params if isinstance(params, dict) else {}
    h, c, q = (params.get("HeadersConfig"), params.get("CookiesConfig"),
               params.get("QueryStringsConfig"))
    for field, block, key in (("headers", h, "HeaderBehavior"), ("cookies", c, "CookieBehavior"),
                              ("query_strings", q, "QueryStringBehavior")):
        if isinstance(block, dict):
            src.mark(field, block, key)
    return cache_policy(source=src.build(), name=as_str(config.get("Name")),
                        min_ttl=as_int(config.get("MinTTL")),
                        default_ttl=as_int(config.get("DefaultTTL")),
                        max_ttl=as_int(config.get("MaxTTL")),
                        headers=_keyset(h, "HeaderBehavior", "Headers"),
                        cookies=_keyset(c, "CookieBehavior", "Cookies"),
                        query_strings=_keyset(q, "QueryStringBehavior", "QueryStrings"))


def _origin_request(r: CfnResource) -> OriginRequestPolicy:
    config = r.props.get("OriginRequestPolicyConfig")
    config = config if isinstance(config, dict) else {}
    return OriginRequestPolicy(name=as_str(config.get("Name")), managed=False,
                               cookies=_keyset(config.get("CookiesConfig"), "CookieBehavior",
                                               "Cookies"))


def _associations(b: dict) -> tuple[Any, Any]:
    """(event type, ARN) of each LambdaFunctionAssociations / FunctionAssociations entry."""
    out = []
    for key, arn_key in (("LambdaFunctionAssociations", "LambdaFunctionARN"),
                         ("FunctionAssociations", "FunctionARN")):
        items = b.get(key)
        if items is None:
            out.append([])
        elif not isinstance(items, list) or not all(isinstance(a, dict) for a in items):
            out.append(UNKNOWN)  # a condition or a parameter we cannot expand
        else:
            out.append([(as_str(a.get("EventType")), a.get(arn_key)) for a in items])
    return out[0], out[1]


def _chosen_by_parameters(raw: Any, template: Any) -> bool:
    """Whether an origin's domain or its S3/custom configuration is an ``Fn::If`` whose
    condition the deployer's parameter values can flip."""
    if not isinstance(raw, dict) or template is None:
        return False
    for key in ("DomainName", "S3OriginConfig", "CustomOriginConfig"):
        value = raw.get(key)
        cond = value.get("Fn::If") if isinstance(value, dict) and len(value) == 1 else None
        if isinstance(cond, list) and cond and template.can_change(cond[0]):
            return True
    return False


def _origin(o: dict, raw: Any, by_id: dict[str, CfnResource],
            dist_template: Any = None) -> CloudFrontOrigin:
    domain = o.get("DomainName")
    raw_refs = logical_refs(raw.get("DomainName") if isinstance(raw, dict) else None)
    refs = tuple(sorted(r for r in raw_refs if r in by_id))
    # SAM names a function's URL "<Function>Url" without declaring it in the template.
    sam_urls = [r for r in raw_refs if r not in by_id and r.endswith("Url")
                and getattr(by_id.get(r[:-3]), "type", "") == "AWS::Serverless::Function"
                and by_id[r[:-3]].props.get("FunctionUrlConfig") is not None]
    text = raw.get("DomainName") if isinstance(raw, dict) else None
    sub = text.get("Fn::Sub") if isinstance(text, dict) else None
    sub = sub[0] if isinstance(sub, list) and sub else sub
    # Each resource the domain names, with the attribute where the domain is one (GetAtt).
    named = domain.address if isinstance(domain, Symbol) else None
    targets = tuple((by_id[r].type, domain.attribute if r == named else "") for r in refs)
    targets += tuple(("AWS::Lambda::Url", "") for _ in sam_urls)
    kind = origin_kind(domain, o.get("S3OriginConfig") is not None,
                       o.get("CustomOriginConfig") is not None, o.get("OriginAccessControlId"),
                       targets, sub)
    at_defaults = ""
    if _chosen_by_parameters(raw, dist_template):
        # S3 at the defaults, a web server under another value: a claim about the origin's
        # kind would hold for one deployment only.
        kind, at_defaults = "unknown", kind
    return CloudFrontOrigin(id=o.get("Id"), domain=domain, kind=kind, references=refs,
                            kind_at_defaults=at_defaults)


def _behavior(dist: CfnResource, address: str, b: dict, origins: dict, policies: dict,
              requests: dict):
    src = CfnSourceBuilder(dist, address, b)
    for field, key in (("min_ttl", "MinTTL"), ("default_ttl", "DefaultTTL"),
                       ("max_ttl", "MaxTTL"), ("cache_policy_id", "CachePolicyId"),
                       ("path_pattern", "PathPattern"),
                       ("origin_request_policy_id", "OriginRequestPolicyId")):
        src.mark(field, b, key)
    fv = b.get("ForwardedValues")
    legacy = None
    if isinstance(fv, dict):
        src.mark("forwarded_values", b, "ForwardedValues")
        src.mark("headers", fv, "Headers")
        src.mark("query_strings", fv, "QueryString")
        cookies = fv.get("Cookies") if isinstance(fv.get("Cookies"), dict) else {}
        if cookies:
            src.mark("cookies", cookies, "Forward")
        legacy = legacy_cache_key(as_str_tuple(fv.get("Headers")), as_str(cookies.get("Forward")),
                                  as_str_tuple(cookies.get("WhitelistedNames")),
                                  as_bool(fv.get("QueryString")),
                                  as_str_tuple(fv.get("QueryStringCacheKeys")))
    source = src.build()
    target = b.get("TargetOriginId")
    written = [k for k in ("MinTTL", "DefaultTTL", "MaxTTL") if b.get(k) is not None]
    return cache_behavior(
        source=source, distribution=dist.logical_id,
        path_pattern=as_str(b.get("PathPattern")),
        allowed_methods=None if b.get("AllowedMethods") is None
        else as_str_tuple(b.get("AllowedMethods")),
        origin=origins.get(target) if isinstance(target, str) else origins.get(ONLY_ORIGIN),
        policy_id=b.get("CachePolicyId"), policies=policies,
        has_forwarded_values=isinstance(fv, dict),
        legacy_key=legacy, min_ttl=as_int(b.get("MinTTL")), default_ttl=as_int(b.get("DefaultTTL")),
        max_ttl=as_int(b.get("MaxTTL")), ttls_written=bool(written),
        functions=edge_functions(*_associations(b)),
        origin_request=origin_request_policy(b.get("OriginRequestPolicyId"), requests))
