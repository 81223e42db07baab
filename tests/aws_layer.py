"""A real moto 5.2.5 server on loopback, behind a small test-only WSGI layer.

moto 5.2.5 does not implement some read calls cachelint makes. This layer answers them itself,
with responses serialized from botocore's own service model (the AWS API definition), so their
shape is exactly what the AWS API documents:

- CloudFront ``ListCachePolicies`` and ``ListOriginRequestPolicies``;
- ElastiCache ``DescribeCacheParameters`` and ``DescribeServerlessCaches``;
- DAX ``DescribeParameters``;
- AWS Config ``SelectAggregateResourceConfig`` over an aggregator created in moto
  (:class:`AggregatorView`);
- the Price List API's ``GetProducts`` (products seeded by the test, filtered by TERM_MATCH).

It also fills in what moto drops from calls it does implement, recording what the test sent:

- ElastiCache ``DescribeCacheClusters`` lists no replication-group member clusters and no
  ``CacheParameterGroup``: added from the ``CreateReplicationGroup``/``CreateCacheCluster``
  requests;
- DAX ``DescribeClusters`` reports ``default.dax1.0`` whatever ``ParameterGroupName`` was
  created with: corrected from the ``CreateCluster`` request;
- API Gateway ``PutIntegration`` drops ``cacheKeyParameters``: added back to ``GetResources``;
- the tagging API's ``GetResources`` does not list DAX clusters: added from moto's DAX tags;
- DynamoDB ``UpdateTable`` ignores ``ReplicaUpdates`` (global tables, version 2019.11.21):
  ``DescribeTable`` gets the ``Replicas`` and ``GlobalTableVersion`` the request asked for.

Faults (throttling, 5xx, AccessDenied, timeouts) are injected here too, per service, operation
and region, with error bodies in each protocol's documented form. Every request that reaches
the layer is recorded (service, operation, region) as an independent witness of what a scan
sent.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import logging
import re
import threading
import time
import urllib.parse
import uuid
import xml.etree.ElementTree as ET
import zlib
from dataclasses import dataclass, field
from collections.abc import Callable
from typing import Any

import botocore.session
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from moto.server import ThreadedMotoServer
from werkzeug.serving import make_server

_MODELS = botocore.session.get_session()
logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log in test output
_CREDENTIAL = re.compile(r"Credential=[^/]+/\d+/([^/]+)/([^/]+)/")


# --- serializing outputs from the botocore model --------------------------------------------------


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _xml(parent: ET.Element, shape: Any, value: Any, name: str) -> None:
    if shape.type_name == "structure":
        node = ET.SubElement(parent, name)
        for member, mshape in shape.members.items():
            if member in value:
                _xml(node, mshape, value[member], mshape.serialization.get("name", member))
    elif shape.type_name == "list":
        item = shape.member.serialization.get("name", "member")
        if shape.serialization.get("flattened"):
            for v in value:
                _xml(parent, shape.member, v, name)
        else:
            node = ET.SubElement(parent, name)
            for v in value:
                _xml(node, shape.member, v, item)
    else:
        ET.SubElement(parent, name).text = _text(value)


def query_response(service: str, operation: str, result: dict) -> bytes:
    model = _MODELS.get_service_model(service)
    shape = model.operation_model(operation).output_shape
    root = ET.Element(f"{operation}Response", xmlns=model.metadata["xmlNamespace"])
    holder = ET.SubElement(root, "tmp")
    _xml(holder, shape, result, f"{operation}Result")
    root.remove(holder)
    root.insert(0, holder[0])
    meta = ET.SubElement(root, "ResponseMetadata")
    ET.SubElement(meta, "RequestId").text = str(uuid.uuid4())
    return ET.tostring(root, xml_declaration=True, encoding="utf-8")


def rest_xml_response(service: str, operation: str, result: dict) -> bytes:
    model = _MODELS.get_service_model(service)
    shape = model.operation_model(operation).output_shape
    payload = shape.serialization["payload"]
    holder = ET.Element("tmp")
    _xml(holder, shape.members[payload], result[payload], payload)
    root = holder[0]
    root.set("xmlns", f"http://{service}.amazonaws.com/doc/{model.metadata['apiVersion']}/")
    return ET.tostring(root, xml_declaration=True, encoding="utf-8")


# --- faults ---------------------------------------------------------------------------------------


@dataclass
class Fault:
    """Make matching requests fail: ``kind`` is throttle, 5xx, denied, disabled, timeout,
    html500 (an HTML error page, as a proxy or an emulator sends), slow (answered after
    ``delay``: a scan that takes a while) or expired (the credentials'
    session token has expired); ``service`` "*" matches every service; ``after`` lets that many
    matching requests through first; ``times`` limits how many requests fail (None: all)."""

    service: str
    operation: str = "*"
    region: str | None = None
    kind: str = "throttle"
    times: int | None = None
    delay: float = 3.0  # timeout: how long the answer is held back
    after: int = 0
    hits: int = 0
    seen: int = 0

    def matches(self, service: str, operation: str, region: str) -> bool:
        # "*" is every AWS service, not moto's own unsigned /moto-api/ calls (service "?").
        return (self.service in ("*", service) and service != "?"
                and self.operation in ("*", operation)
                and self.region in (None, region)
                and (self.times is None or self.hits < self.times))


_ERRORS = {  # kind -> (HTTP status, query/rest-xml code, json code)
    "throttle": (400, "Throttling", "ThrottlingException"),
    "5xx": (503, "ServiceUnavailable", "ServiceUnavailableException"),
    "denied": (403, "AccessDenied", "AccessDeniedException"),
    # A Region the account has not opted into rejects the credentials.
    "disabled": (403, "InvalidClientTokenId", "UnrecognizedClientException"),
    # https://docs.aws.amazon.com/awsconsolehelpdocs/latest/gsg/common-errors.html
    "expired": (403, "ExpiredToken", "ExpiredTokenException"),
    "unknown-operation": (404, "InvalidAction", "UnknownOperationException"),
}
_HTML_500 = (b"<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n"
             b"<h1>Internal Server Error</h1>\n<p>The server encountered an internal error.</p>\n")


def _cbor_text(text: str) -> bytes:
    data = text.encode()
    assert len(data) < 256
    return (bytes([0x60 | len(data)]) if len(data) < 24 else bytes([0x78, len(data)])) + data


def _cbor_map(items: dict[str, str]) -> bytes:
    """A CBOR (RFC 8949) map of short strings: an RPC v2 CBOR error body."""
    return bytes([0xA0 | len(items)]) + b"".join(_cbor_text(k) + _cbor_text(v)
                                                 for k, v in items.items())


def _error(protocol: str, kind: str) -> tuple[str, list, bytes]:
    if kind == "html500":  # whatever the protocol: not an AWS error body at all
        return "500 Internal Server Error", [("Content-Type", "text/html; charset=utf-8")], \
            _HTML_500
    status, code, json_code = _ERRORS[kind]
    if kind == "throttle" and protocol == "rest-json":
        status, json_code = 429, "TooManyRequestsException"
    message = {"throttle": "Rate exceeded", "5xx": "Service unavailable",
               "denied": "User: arn:aws:iam::123456789012:user/ci is not authorized",
               "disabled": "The security token included in the request is invalid",
               "expired": "The security token included in the request is expired",
               "unknown-operation": "The requested operation is not recognized"}[kind]
    reason = {400: "Bad Request", 403: "Forbidden", 404: "Not Found", 429: "Too Many Requests",
              503: "Service Unavailable"}[status]
    if protocol in ("json", "rest-json"):
        body = json.dumps({"__type": json_code, "message": message}).encode()
        headers = [("Content-Type", "application/x-amz-json-1.1"),
                   ("x-amzn-ErrorType", json_code)]
    elif protocol == "smithy-rpc-v2-cbor":
        headers = [("Smithy-Protocol", "rpc-v2-cbor"), ("Content-Type", "application/cbor")]
        body = _cbor_map({"__type": json_code, "message": message})
    else:
        body = (f'<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code>'
                f'<Message>{message}</Message></Error><RequestId>{uuid.uuid4()}</RequestId>'
                f'</ErrorResponse>').encode()
        headers = [("Content-Type", "text/xml")]
    return f"{status} {reason}", headers, body


# --- the layer ------------------------------------------------------------------------------------


@dataclass
class Request:
    service: str
    region: str
    operation: str
    protocol: str
    method: str
    path: str
    params: dict
    body: bytes
    access_key: str = ""


@dataclass
class State:
    cache_policies: list[dict] = field(default_factory=list)
    origin_request_policies: list[dict] = field(default_factory=list)
    cache_parameter_groups: dict[tuple[str, str], dict] = field(default_factory=dict)
    serverless_caches: dict[str, list[dict]] = field(default_factory=dict)
    dax_parameter_groups: dict[tuple[str, str], dict] = field(default_factory=dict)
    # what moto drops, from the requests the test sent
    cluster_groups: dict[tuple[str, str], dict] = field(default_factory=dict)
    dax_cluster_groups: dict[tuple[str, str], str] = field(default_factory=dict)
    cache_keys: dict[tuple[str, str, str], list] = field(default_factory=dict)
    replicas: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    products: dict[str, list[dict]] = field(default_factory=dict)  # service code -> products
    # AWS Config: (caller, aggregator, query) -> the rows being paged; account -> the layer's
    # own session in it
    config_pages: dict = field(default_factory=dict)
    config_credentials: dict = field(default_factory=dict)


_REST_OPERATIONS = [  # (service, method, path pattern, operation) for REST protocols
    ("cloudfront", "GET", r"^/2020-05-31/cache-policy$", "ListCachePolicies"),
    ("cloudfront", "GET", r"^/2020-05-31/origin-request-policy$", "ListOriginRequestPolicies"),
    ("cloudfront", "GET", r"^/2020-05-31/distribution$", "ListDistributions"),
    ("apigateway", "GET", r"^/restapis/[^/]+/resources$", "GetResources"),
    ("apigateway", "PUT", r"^/restapis/([^/]+)/resources/([^/]+)/methods/([^/]+)/integration$",
     "PutIntegration"),
]


class Layer:
    def __init__(self, app: Callable):
        self.app = app
        self.state = State()
        self.faults: list[Fault] = []
        self.requests: list[tuple[str, str, str]] = []  # (service, operation, region)
        self.page_size = 100  # ListCachePolicies' MaxItems default; tests lower it to paginate
        self.url = ""  # where the layer listens (its own reads of moto go there)
        # A benchmark seeds once and scans many times: the configuration items read for a
        # query serve its later runs too (as AWS Config holds them ready), not only its pages.
        self.config_cached = False
        self.config_lock = threading.Lock()
        self.lock = threading.Lock()
        self._ids = itertools.count(1)

    # seeding what moto cannot hold
    def add_cache_policy(self, config: dict) -> str:
        policy_id = f"{uuid.uuid4()}"
        self.state.cache_policies.append({"Id": policy_id, "CachePolicyConfig": config})
        return policy_id

    def add_origin_request_policy(self, config: dict) -> str:
        policy_id = f"{uuid.uuid4()}"
        self.state.origin_request_policies.append({"Id": policy_id,
                                                   "OriginRequestPolicyConfig": config})
        return policy_id

    def add_cache_parameter_group(self, region: str, name: str, family: str,
                                  user_values: dict[str, str]) -> None:
        self.state.cache_parameter_groups[(region, name)] = {"family": family,
                                                             "values": dict(user_values)}

    def add_serverless_cache(self, region: str, account: str, name: str, engine: str) -> None:
        self.state.serverless_caches.setdefault(region, []).append({
            "ServerlessCacheName": name, "Engine": engine, "MajorEngineVersion": "7",
            "FullEngineVersion": "7.1", "Status": "available",
            "ARN": f"arn:aws:elasticache:{region}:{account}:serverlesscache:{name}"})

    def add_product(self, service_code: str, attributes: dict, usd_per_hour: str) -> None:
        """A Price List product in the documented aws_v1 shape."""
        sku = f"SKU{len(self.state.products.get(service_code, [])) + 1}"
        self.state.products.setdefault(service_code, []).append({
            "product": {"productFamily": attributes.get("productFamily", ""),
                        "attributes": attributes, "sku": sku},
            "serviceCode": service_code,
            "terms": {"OnDemand": {f"{sku}.JRTCKXETXF": {
                "offerTermCode": "JRTCKXETXF", "sku": sku,
                "priceDimensions": {f"{sku}.JRTCKXETXF.6YS6EN2CT7": {
                    "unit": "Hrs", "pricePerUnit": {"USD": usd_per_hour},
                    "description": "per hour"}}}}}})

    def add_dax_parameter_group(self, region: str, name: str, values: dict[str, str]) -> None:
        self.state.dax_parameter_groups[(region, name)] = dict(values)

    # the WSGI entry point
    def __call__(self, environ: dict, start_response: Callable) -> Any:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        req = self._identify(environ, body)
        internal = environ.get("HTTP_X_CACHELINT_LAYER_INTERNAL") == "1"  # the layer's own read
        with self.lock:
            if not internal:
                self.requests.append((req.service, req.operation, req.region))
            fault = None
            for f in self.faults if not internal else ():
                if f.matches(req.service, req.operation, req.region):
                    f.seen += 1
                    if f.seen > f.after:
                        fault = f
                        break
            if fault is not None:
                fault.hits += 1
        if fault is not None:
            if fault.kind in ("timeout", "slow"):
                time.sleep(fault.delay)  # slow: then answered as usual
            else:
                status, headers, payload = _error(req.protocol, fault.kind)
                start_response(status, headers + [("Content-Length", str(len(payload)))])
                return [payload]
        served = self._serve(req)
        if served is not None:
            content_type, payload, *status = served
            start_response(status[0] if status else "200 OK",
                           [("Content-Type", content_type),
                            ("Content-Length", str(len(payload)))])
            return [payload]
        self._record(req)
        return self._patched(req, environ, start_response)

    def _identify(self, environ: dict, body: bytes) -> Request:
        auth = environ.get("HTTP_AUTHORIZATION", "")
        m = _CREDENTIAL.search(auth)
        region, service = (m.group(1), m.group(2)) if m else ("us-east-1", "?")
        # Signing names that are not botocore's service names.
        service = {"monitoring": "cloudwatch", "tagging": "resourcegroupstaggingapi"}.get(
            service, service)
        # The protocol the client chose (botocore picks one of a service's protocols).
        protocol = "" if service == "?" else _MODELS.get_service_model(service).resolved_protocol
        if environ.get("HTTP_SMITHY_PROTOCOL") == "rpc-v2-cbor":
            protocol = "smithy-rpc-v2-cbor"
        elif environ.get("HTTP_X_AMZ_TARGET") and protocol != "json":
            protocol = "json"
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
        params: dict = {}
        operation = "?"
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if target:
            operation = target.rsplit(".", 1)[-1]
            try:
                params = json.loads(body or b"{}")
            except ValueError:
                params = {}
        elif "/operation/" in path:
            operation = path.rsplit("/", 1)[-1]
        elif protocol in ("query", "ec2"):
            form = urllib.parse.parse_qs(body.decode() or environ.get("QUERY_STRING", ""))
            params = {k: v[0] for k, v in form.items()}
            operation = params.get("Action", "?")
        else:
            query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
            params = {k: v[0] for k, v in query.items()}
            for svc, verb, pattern, op in _REST_OPERATIONS:
                if svc == service and verb == method and re.match(pattern, path):
                    operation = op
                    break
            else:
                operation = f"{method} {path}"
            if body and protocol == "rest-json":
                with contextlib.suppress(ValueError):
                    params["__body__"] = json.loads(body)
        key = re.search(r"Credential=([^/]+)/", auth)
        return Request(service, region, operation, protocol, method, path, params, body,
                       key.group(1) if key else "")

    def _serve(self, req: Request) -> tuple[str, bytes] | None:
        s = self.state
        if req.service == "cloudfront" and req.operation == "ListCachePolicies":
            items = [{"Type": "custom", "CachePolicy": {
                "Id": p["Id"], "LastModifiedTime": "2026-11-01T00:00:00Z",
                "CachePolicyConfig": p["CachePolicyConfig"]}} for p in s.cache_policies
                if req.params.get("Type", "custom") == "custom"]
            # Marker is the index of the first item of the page (opaque to the client).
            first = int(req.params.get("Marker") or 0)
            size = min(int(req.params.get("MaxItems") or self.page_size), self.page_size)
            page = items[first:first + size]
            listing = {"MaxItems": size, "Quantity": len(page), "Items": page}
            if first + size < len(items):
                listing["NextMarker"] = str(first + size)
            return "text/xml", rest_xml_response("cloudfront", "ListCachePolicies",
                                                 {"CachePolicyList": listing})
        if req.service == "cloudfront" and req.operation == "ListOriginRequestPolicies":
            items = [{"Type": "custom", "OriginRequestPolicy": {
                "Id": p["Id"], "LastModifiedTime": "2026-11-01T00:00:00Z",
                "OriginRequestPolicyConfig": p["OriginRequestPolicyConfig"]}}
                for p in s.origin_request_policies]
            return "text/xml", rest_xml_response("cloudfront", "ListOriginRequestPolicies", {
                "OriginRequestPolicyList": {"MaxItems": 100, "Quantity": len(items),
                                            "Items": items}})
        if req.service == "elasticache" and req.operation == "DescribeCacheParameters":
            group = s.cache_parameter_groups.get((req.region, req.params.get(
                "CacheParameterGroupName", "")))
            if group is None:
                return None  # let moto answer (it fails: not implemented)
            source = req.params.get("Source")
            params = [{"ParameterName": k, "ParameterValue": v, "Source": "user",
                       "DataType": "string", "IsModifiable": True, "ChangeType": "immediate"}
                      for k, v in group["values"].items() if source in (None, "user")]
            return "text/xml", query_response("elasticache", "DescribeCacheParameters",
                                              {"Parameters": params})
        if req.service == "elasticache" and req.operation == "DescribeServerlessCaches":
            return "text/xml", query_response("elasticache", "DescribeServerlessCaches", {
                "ServerlessCaches": s.serverless_caches.get(req.region, [])})
        if req.service == "pricing" and req.operation == "GetProducts":
            wanted = {f["Field"]: f["Value"] for f in req.params.get("Filters", [])
                      if f.get("Type") == "TERM_MATCH"}
            found = [p for p in s.products.get(req.params.get("ServiceCode", ""), [])
                     if all(p["product"]["attributes"].get(k) == v for k, v in wanted.items())]
            return "application/x-amz-json-1.1", json.dumps({
                "FormatVersion": "aws_v1", "PriceList": [json.dumps(p) for p in found]}).encode()
        if req.service == "config" and req.operation == "SelectAggregateResourceConfig":
            return AggregatorView(self).select(req)
        if req.service == "dax" and req.operation == "DescribeParameters":
            group = s.dax_parameter_groups.get((req.region, req.params.get(
                "ParameterGroupName", "")))
            if group is None:
                return "application/x-amz-json-1.1", json.dumps(
                    {"__type": "ParameterGroupNotFoundFault"}).encode()
            return "application/x-amz-json-1.1", json.dumps({"Parameters": [
                {"ParameterName": k, "ParameterType": "DEFAULT", "ParameterValue": v,
                 "DataType": "integer", "IsModifiable": "TRUE", "ChangeType": "IMMEDIATE",
                 "Source": "user"} for k, v in group.items()]}).encode()
        return None

    def _record(self, req: Request) -> None:
        """Remember what moto will drop from a request the test sends."""
        s = self.state
        if req.service == "elasticache" and req.operation in ("CreateReplicationGroup",
                                                              "CreateCacheCluster"):
            key = req.params.get("ReplicationGroupId") or req.params.get("CacheClusterId")
            s.cluster_groups[(req.region, key)] = {
                "group": req.params.get("CacheParameterGroupName"),
                "version": req.params.get("EngineVersion"),
                "replication_group": req.operation == "CreateReplicationGroup",
                "engine": req.params.get("Engine", "redis"),
                "transit": req.params.get("TransitEncryptionEnabled") == "true",
                "at_rest": req.params.get("AtRestEncryptionEnabled") == "true",
                "count": int(req.params.get("NumCacheClusters", "1"))}
        elif req.service == "dax" and req.operation == "CreateCluster":
            if req.params.get("ParameterGroupName"):
                s.dax_cluster_groups[(req.region, req.params["ClusterName"])] = \
                    req.params["ParameterGroupName"]
        elif req.service == "dynamodb" and req.operation == "UpdateTable":
            for update in req.params.get("ReplicaUpdates") or []:
                create = (update or {}).get("Create") or {}
                if create.get("RegionName"):
                    s.replicas.setdefault((req.region, req.params.get("TableName")), []).append(
                        create["RegionName"])
        elif req.service == "apigateway" and req.operation == "PutIntegration":
            m = re.match(_REST_OPERATIONS[-1][2], req.path)
            keys = (req.params.get("__body__") or {}).get("cacheKeyParameters")
            if m and keys:
                s.cache_keys[(m.group(1), m.group(2), m.group(3))] = list(keys)

    def _patched(self, req: Request, environ: dict, start_response: Callable) -> Any:
        patch = {("elasticache", "DescribeCacheClusters"): self._patch_clusters,
                 ("dax", "DescribeClusters"): self._patch_dax,
                 ("apigateway", "GetResources"): self._patch_resources,
                 ("dynamodb", "DescribeTable"): self._patch_table,
                 ("resourcegroupstaggingapi", "GetResources"): self._patch_tagged}.get(
            (req.service, req.operation))
        if patch is None:
            return self.app(environ, start_response)
        captured: dict = {}

        def capture(status: str, headers: list, exc_info: Any = None) -> Any:
            captured["status"], captured["headers"] = status, headers
            return lambda data: None

        body = b"".join(self.app(environ, capture))
        if captured["status"].startswith("200"):
            body = patch(req, body)
        headers = [(k, v) for k, v in captured["headers"]
                   if k.lower() not in ("content-length", "x-amz-crc32")]
        if any(k.lower() == "x-amz-crc32" for k, _ in captured["headers"]):
            headers.append(("x-amz-crc32", str(zlib.crc32(body))))  # DynamoDB checks it
        start_response(captured["status"], headers + [("Content-Length", str(len(body)))])
        return [body]

    def _patch_clusters(self, req: Request, body: bytes) -> bytes:
        ns = {"e": _MODELS.get_service_model("elasticache").metadata["xmlNamespace"]}
        ET.register_namespace("", ns["e"])
        root = ET.fromstring(body)
        listing = root.find(".//e:CacheClusters", ns)
        if listing is None:
            return body

        def add_group(node: ET.Element, info: dict) -> None:
            if info.get("group"):
                group = ET.SubElement(node, f"{{{ns['e']}}}CacheParameterGroup")
                ET.SubElement(group, f"{{{ns['e']}}}CacheParameterGroupName").text = info["group"]
                ET.SubElement(group, f"{{{ns['e']}}}ParameterApplyStatus").text = "in-sync"
            if info.get("version") and node.find("e:EngineVersion", ns) is None:
                ET.SubElement(node, f"{{{ns['e']}}}EngineVersion").text = info["version"]

        for node in listing:
            name = node.findtext("e:CacheClusterId", namespaces=ns)
            info = self.state.cluster_groups.get((req.region, name))
            if info:
                add_group(node, info)
        for (region, rg), info in self.state.cluster_groups.items():
            if region != req.region or not info["replication_group"]:
                continue
            for i in range(1, info["count"] + 1):
                node = ET.SubElement(listing, f"{{{ns['e']}}}CacheCluster")
                for tag, text in (("CacheClusterId", f"{rg}-{i:03d}"),
                                  ("Engine", info["engine"]), ("ReplicationGroupId", rg),
                                  ("CacheClusterStatus", "available"),
                                  ("TransitEncryptionEnabled", str(info["transit"]).lower()),
                                  ("AtRestEncryptionEnabled", str(info["at_rest"]).lower())):
                    ET.SubElement(node, f"{{{ns['e']}}}{tag}").text = text
                add_group(node, info)
        return ET.tostring(root, xml_declaration=True, encoding="utf-8")

    def _patch_dax(self, req: Request, body: bytes) -> bytes:
        data = json.loads(body)
        for c in data.get("Clusters", []):
            name = self.state.dax_cluster_groups.get((req.region, c.get("ClusterName")))
            if name:
                c.setdefault("ParameterGroup", {})["ParameterGroupName"] = name
        return json.dumps(data).encode()

    def _patch_tagged(self, req: Request, body: bytes) -> bytes:
        """moto's tagging API does not list DAX clusters: add those moto's DAX holds tags for
        (one page: the tests tag a few)."""
        from moto.dax.models import dax_backends
        from moto.iam.models import get_account_id_from

        data = json.loads(body)
        filters = (json.loads(req.body or b"{}") or {}).get("ResourceTypeFilters") or []
        if filters and not any(f.split(":")[0] == "dax" for f in filters):
            return body
        backend = dax_backends[get_account_id_from(req.access_key)][req.region]
        for cluster in backend.clusters.values():
            tags = backend._tagger.list_tags_for_resource(cluster.arn).get("Tags") or []
            if tags:
                data.setdefault("ResourceTagMappingList", []).append(
                    {"ResourceARN": cluster.arn, "Tags": tags})
        return json.dumps(data).encode()

    def _patch_table(self, req: Request, body: bytes) -> bytes:
        data = json.loads(body)
        table = data.get("Table", {})
        regions = self.state.replicas.get((req.region, table.get("TableName")))
        if regions:
            table["GlobalTableVersion"] = "2019.11.21"
            table["Replicas"] = [{"RegionName": r, "ReplicaStatus": "ACTIVE"} for r in regions]
        return json.dumps(data).encode()

    def _patch_resources(self, req: Request, body: bytes) -> bytes:
        data = json.loads(body)
        api = req.path.split("/")[2]
        for res in data.get("item", data.get("items", [])):
            for verb, method in (res.get("resourceMethods") or {}).items():
                keys = self.state.cache_keys.get((api, res.get("id"), verb))
                if keys and isinstance(method, dict) and "methodIntegration" in method:
                    method["methodIntegration"]["cacheKeyParameters"] = keys
        return json.dumps(data).encode()


# --- AWS Config: SelectAggregateResourceConfig ---------------------------------------------------


def config_names(value: Any) -> Any:
    """API members as AWS Config writes them in a configuration item's ``configuration``: a
    lower-case first letter (``distributionConfig``, ``defaultTTL``, ``lambdaFunctionARN``,
    ``tableArn``, ``replicas.regionName``) and ``arn`` for ``ARN``, as the published property
    names (github.com/awslabs/aws-config-resource-schema) spell them."""
    if isinstance(value, list):
        return [config_names(v) for v in value]
    if not isinstance(value, dict):
        return value
    return {("arn" if k == "ARN" else k[:1].lower() + k[1:]): config_names(v)
            for k, v in value.items()}


class AggregatorView:
    """What a configuration aggregator created in moto (``PutConfigurationAggregator``, which
    moto implements) would hold, answered as ``SelectAggregateResourceConfig`` documents it
    (moto 5.2.5 lacks the operation): the configuration items of the accounts and Regions of
    its sources, built from the seeded resources, read through this layer by the layer itself
    (so with what the layer adds to moto's answers; those reads are neither recorded nor
    faulted). Every Region of every source account is taken to hold items (a recorder records
    at least the default VPC), as ``GROUP BY accountId, awsRegion`` then says.

    The two queries a scan sends are understood: ``SELECT * WHERE resourceType IN (...)``
    (25 results a page unless ``Limit``, at most 100) and ``SELECT accountId, awsRegion,
    COUNT(*) GROUP BY accountId, awsRegion`` (500 a page); ``NextToken`` is the offset into
    the rows the query's first page read."""

    TYPES = ("AWS::CloudFront::Distribution", "AWS::DynamoDB::Table",
             "AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api")

    def __init__(self, layer: Layer):
        self.layer = layer
        self.credentials = layer.state.config_credentials

    def _error(self, code: str, message: str) -> tuple[str, bytes, str]:
        return ("application/x-amz-json-1.1",
                json.dumps({"__type": code, "message": message}).encode(), "400 Bad Request")

    def select(self, req: Request) -> tuple:
        from moto.config.models import config_backends
        from moto.iam.models import get_account_id_from

        caller = get_account_id_from(req.access_key)
        name = req.params.get("ConfigurationAggregatorName", "")
        aggregator = config_backends[caller][req.region].config_aggregators.get(name)
        if aggregator is None:
            return self._error("NoSuchConfigurationAggregatorException",
                               f"The configuration aggregator does not exist: {name}")
        expression = " ".join(str(req.params.get("Expression", "")).split())
        limit = req.params.get("Limit") or req.params.get("MaxResults")
        if limit is not None and not 0 <= int(limit) <= 100:
            return self._error("InvalidLimitException", "Limit must be at most 100")
        with self.layer.config_lock:  # a retried page waits for the one being built
            return self._page(req, caller, name, aggregator, expression, limit)

    def _page(self, req: Request, caller: str, name: str, aggregator: Any, expression: str,
              limit: Any) -> tuple:
        first = int(req.params.get("NextToken") or 0)
        key = (caller, name, expression)
        fresh = first == 0 and not self.layer.config_cached  # a new query: read moto again
        if fresh or key not in self.layer.state.config_pages:
            self.layer.state.config_pages[key] = self._rows(aggregator, expression)
        rows, more, fields = self.layer.state.config_pages[key]
        if rows is None:
            return self._error("InvalidExpressionException",
                               f"not a query this layer answers: {expression}")
        size = int(limit or (500 if "GROUP BY" in expression else 25))
        # Items are read from moto as the pages ask for them (one more, to know if a page
        # follows), so that no request waits for a whole organization.
        while len(rows) <= first + size:
            got = next(more, None)
            if got is None:
                break
            rows.append(got)
        page = {"Results": [json.dumps(r) for r in rows[first:first + size]],
                "QueryInfo": {"SelectFields": [{"Name": f} for f in fields]}}
        if first + size < len(rows):
            page["NextToken"] = str(first + size)
        return "application/x-amz-json-1.1", json.dumps(page).encode()

    def _rows(self, aggregator: Any, expression: str) -> tuple[list | None, Any, list]:
        scope = self._scope(aggregator)
        if expression == ("SELECT accountId, awsRegion, COUNT(*) "
                          "GROUP BY accountId, awsRegion"):
            # The count is not read by a scan: every pair holds at least the default VPC.
            rows = [{"accountId": a, "awsRegion": r, "COUNT(*)": 1} for a, r in scope]
            return rows, iter(()), ["accountId", "awsRegion", "COUNT(*)"]
        m = re.fullmatch(r"SELECT \* WHERE resourceType IN \(([^)]*)\)", expression)
        if m is None:
            return None, iter(()), []
        wanted = {t.strip().strip("'") for t in m.group(1).split(",")}
        return [], (ci for ci in self._items(scope) if ci["resourceType"] in wanted), ["*"]

    def _scope(self, aggregator: Any) -> list[tuple[str, str]]:
        out = []
        for source in aggregator.account_aggregation_sources or []:
            for account in source.account_ids:
                for region in source.aws_regions or []:
                    out.append((account, region))
        org = aggregator.organization_aggregation_source
        if org is not None:
            from moto.organizations.models import organizations_backends

            for backend in organizations_backends.values():
                for org_backend in backend.values():
                    for account in getattr(org_backend, "accounts", []):
                        for region in org.aws_regions or []:
                            out.append((account.id, region))
        return sorted(set(out))

    def _client(self, account: str, service: str, region: str) -> Any:
        import boto3

        kwargs = {"endpoint_url": self.layer.url, "region_name": region,
                  "aws_access_key_id": "AKIATESTINGKEY000001",
                  "aws_secret_access_key": "layer"}
        if account not in self.credentials:
            sts = boto3.client("sts", **kwargs)
            self._internal(sts)
            self.credentials[account] = sts.assume_role(
                RoleArn=f"arn:aws:iam::{account}:role/AWSConfigRecorder",
                RoleSessionName="config")["Credentials"]
        creds = self.credentials[account]
        c = boto3.client(service, **{**kwargs, "aws_access_key_id": creds["AccessKeyId"],
                                     "aws_secret_access_key": creds["SecretAccessKey"],
                                     "aws_session_token": creds["SessionToken"]})
        self._internal(c)
        return c

    @staticmethod
    def _internal(c: Any) -> None:
        def mark(request: Any, **_: Any) -> None:
            request.headers["X-Cachelint-Layer-Internal"] = "1"

        c.meta.events.register("before-sign.*.*", mark)

    def _items(self, scope: list[tuple[str, str]]) -> Any:
        for account, region in scope:
            yield from self._regional(account, region)
            if region == "us-east-1":  # CloudFront is recorded in US East (N. Virginia)
                yield from self._distributions(account)

    @staticmethod
    def _ci(account: str, region: str, rtype: str, rid: str, name: str, arn: str,
            configuration: dict, tags: dict) -> dict:
        return {"version": "1.3", "accountId": account, "awsRegion": region,
                "resourceType": rtype, "resourceId": rid, "resourceName": name, "arn": arn,
                "availabilityZone": "Not Applicable", "configurationItemStatus": "OK",
                "tags": [{"key": k, "value": v, "tag": f"{k}={v}"} for k, v in tags.items()],
                "relationships": [], "configuration": configuration,
                "supplementaryConfiguration": {}}

    def _regional(self, account: str, region: str) -> list[dict]:
        out = []
        ddb = self._client(account, "dynamodb", region)
        names = [n for page in ddb.get_paginator("list_tables").paginate()
                 for n in page.get("TableNames", [])]
        for name in names:
            t = ddb.describe_table(TableName=name)["Table"]
            tags = {x["Key"]: x["Value"] for x in
                    ddb.list_tags_of_resource(ResourceArn=t["TableArn"]).get("Tags", [])}
            out.append(self._ci(account, region, "AWS::DynamoDB::Table", name, name,
                                t["TableArn"], config_names(_json_safe(t)), tags))
        ag = self._client(account, "apigateway", region)
        for api in ag.get_rest_apis().get("items", []):
            out.append(self._ci(account, region, "AWS::ApiGateway::RestApi", api["id"],
                                api.get("name", ""),
                                f"arn:aws:apigateway:{region}::/restapis/{api['id']}",
                                _json_safe(api), api.get("tags") or {}))
        v2 = self._client(account, "apigatewayv2", region)
        for api in v2.get_apis().get("Items", []):
            out.append(self._ci(account, region, "AWS::ApiGatewayV2::Api", api["ApiId"],
                                api.get("Name", ""),
                                f"arn:aws:apigateway:{region}::/apis/{api['ApiId']}",
                                config_names(_json_safe(api)), api.get("Tags") or {}))
        return out

    def _distributions(self, account: str) -> list[dict]:
        cf = self._client(account, "cloudfront", "us-east-1")
        out = []
        listing = cf.list_distributions().get("DistributionList", {}).get("Items", [])
        for summary in listing:
            d = cf.get_distribution(Id=summary["Id"])["Distribution"]
            configuration = {k: v for k, v in d.items() if k in (
                "Id", "ARN", "DomainName", "Status", "DistributionConfig")}
            out.append(self._ci(account, "us-east-1", "AWS::CloudFront::Distribution", d["Id"],
                                d["Id"], d["ARN"], config_names(_json_safe(configuration)), {}))
        return out


def _json_safe(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


class LayeredMotoServer(ThreadedMotoServer):
    """moto's ThreadedMotoServer with :class:`Layer` in front of its WSGI app."""

    def __init__(self) -> None:
        super().__init__("127.0.0.1", 0, verbose=False)
        self.layer = Layer(DomainDispatcherApplication(create_backend_app))

    def _server_entry(self) -> None:
        from moto.server import MotoRequestHandler  # type: ignore[attr-defined]

        self._server = make_server(self._ip_address, self._port, self.layer, True,
                                   request_handler=MotoRequestHandler)
        self.layer.url = f"http://{self._ip_address}:{self._server.server_port}"
        self._server_ready_event.set()
        self._server.serve_forever()

    @property
    def url(self) -> str:
        host, port = self.get_host_and_port()
        return f"http://{host}:{port}"
