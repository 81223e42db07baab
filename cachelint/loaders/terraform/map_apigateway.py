"""Terraform API Gateway resources -> stages, method settings and effective per-method caching."""

from __future__ import annotations

import os
import re
from typing import Any

from cachelint.errors import FileError
from cachelint.linking.apigateway import (
    DeclaredAuthorizer, MethodSpec, api_key, body_methods, link_api, method_path_parts,
    method_resource_path, resource_node, resource_paths,
)
from cachelint.loaders import openapi
from cachelint.consistency import Integration
from cachelint.loaders.terraform.evaluate import evaluate, partial_text
from cachelint.loaders.terraform.mapping import SourceBuilder, by_type, location
from cachelint.loaders.terraform.module import TfResource
from cachelint.loaders.terraform.syntax import Call, GetAttr, Name, ObjectExpr, references
from cachelint.model import ApiMethodSettings, ApiStage, HttpApi, Resource
from cachelint.values import (
    UNKNOWN, Symbol, as_bool, as_int, as_str, as_str_map, as_str_tuple, ref_key,
)

TYPES = {"aws_api_gateway_rest_api", "aws_api_gateway_resource", "aws_api_gateway_method",
         "aws_api_gateway_integration", "aws_api_gateway_authorizer", "aws_api_gateway_stage",
         "aws_api_gateway_method_settings", "aws_apigatewayv2_api", "aws_apigatewayv2_route"}


def map_resources(resources: list[TfResource], notes: list, errors: list, directives: list
                  ) -> list[Resource]:
    """``notes`` and ``errors`` receive what could not be read of OpenAPI bodies,
    ``directives`` the suppression comments of definition files."""
    paths = _resource_paths(resources)
    stages = [_stage(r) for r in by_type(resources, "aws_api_gateway_stage")]
    settings = [_settings(r) for r in by_type(resources, "aws_api_gateway_method_settings")]
    methods = _methods(resources, paths)
    complete: set[str] = set()
    for r in by_type(resources, "aws_api_gateway_rest_api"):
        methods += body_methods(_openapi_body(r, notes, errors), r.address,
                                SourceBuilder(r).build(), complete, directives)
    linked = link_api(stages, settings, methods, complete)
    return [*linked, *_http_apis(resources)]


# --- OpenAPI bodies ------------------------------------------------------------------------------


def _openapi_body(res: TfResource, notes: list, errors: list) -> Any:
    """The API's OpenAPI ``body``: None if it has none, else a Document (incomplete, with a
    note or an error, where it could not be read)."""
    b = res.body
    if b.values.get("body") is None:
        return None
    where = location(b.where("body"))
    expr, scope = b.exprs.get("body"), b.scope
    if isinstance(expr, Call) and scope is not None and expr.args:
        if expr.name == "jsonencode":
            lines = _file_lines(where.path, scope)
            literal = isinstance(expr.args[0], ObjectExpr)
            start, end = (where.start_line, where.end_line) if literal else (1, len(lines))
            locate = openapi.text_locator(lines, start, end) if lines else None
            return openapi.read_document(evaluate(expr.args[0], scope), where, locate)
        if expr.name in ("file", "templatefile"):
            return _body_file(res, expr, scope, where, notes, errors)
    rendered = _template_file(expr, scope)
    if rendered is not None:
        return _body_file(res, rendered[0], rendered[1], where, notes, errors)
    if isinstance(b.get("body"), str):  # a string or heredoc, or a plan's JSON text
        first = None
        if scope is not None:
            lines = _file_lines(where.path, scope)
            if 0 < where.start_line <= len(lines) and "<<" in lines[where.start_line - 1]:
                first = where.start_line + 1  # a heredoc starts on the next line
        return openapi.read_json_text(b.get("body"), where, first)
    notes.append(f"{where.path}:{where.start_line}: {res.address} body could not be evaluated: "
                 "its OpenAPI methods are not checked")
    return openapi.Document(where.path, complete=False)


def _template_file(expr: Any, scope: Any) -> tuple[Call, Any] | None:
    """``data.template_file.x.rendered`` whose ``template`` is ``file(path)``: the deprecated
    template provider renders ``${name}`` from ``vars`` as ``templatefile(path, vars)`` does,
    so it is read as that call (in the data block's own scope)."""
    if not (isinstance(expr, GetAttr) and expr.name == "rendered" and scope is not None):
        return None
    chain, node = [], expr.obj
    while isinstance(node, GetAttr):
        chain.append(node.name)
        node = node.obj
    if not (isinstance(node, Name) and node.name == "data" and chain[1:] == ["template_file"]):
        return None
    ref = evaluate(expr.obj, scope)
    block = getattr(ref, "block", None)
    if block is None:
        return None
    attrs = block.body.attributes
    template = attrs["template"].expr if "template" in attrs else None
    if not (isinstance(template, Call) and template.name == "file" and template.args):
        return None
    variables = attrs["vars"].expr if "vars" in attrs else ObjectExpr(())
    return Call("templatefile", (template.args[0], variables)), ref.scope


def _module_dir(scope: Any) -> Any:
    try:
        return scope.lookup("path")["module"]
    except (AttributeError, KeyError, TypeError):
        return None


def _root_dir(scope: Any) -> Any:
    try:
        return scope.lookup("path")["root"]
    except (AttributeError, KeyError, TypeError):
        return None


def _file_lines(display: str, scope: Any) -> list[str]:
    directory = _module_dir(scope)
    for candidate in ([os.path.join(directory, os.path.basename(display))]
                      if isinstance(directory, str) else []) + [display]:
        try:
            with open(candidate, encoding="utf-8") as fh:
                return fh.read().splitlines()
        except (OSError, UnicodeDecodeError):
            continue
    return []


_INTERPOLATION = re.compile(r"\$\{([^}]*)\}")
_PLACEHOLDER = "cachelint-unknown-value"


def _body_file(res: TfResource, expr: Call, scope: Any, where: Any, notes: list,
               errors: list) -> Any:
    path = evaluate(expr.args[0], scope)
    directory = _module_dir(scope)
    root = _root_dir(scope)
    if isinstance(path, str) and not os.path.isabs(path) and isinstance(root, str):
        path = os.path.normpath(os.path.join(root, path))  # Terraform runs in the root
    if not isinstance(path, str) or not isinstance(directory, str):
        notes.append(f"{where.path}:{where.start_line}: {res.address} body reads a file whose "
                     "path is not known: its OpenAPI methods are not checked")
        return openapi.Document(where.path, complete=False)
    display = os.path.normpath(os.path.join(os.path.dirname(where.path),
                                            os.path.relpath(path, directory)))
    substitute = None
    if expr.name == "templatefile":
        variables = evaluate(expr.args[1], scope) if len(expr.args) > 1 else {}
        if "%{" in _peek(path):
            notes.append(f"{display}: template directives (%{{...}}) are not evaluated: the "
                         f"OpenAPI methods of {res.address} are not checked")
            return openapi.Document(display, complete=False)
        substitute = _substitution(variables)
    try:
        return openapi.read_file(path, display, substitute, _PLACEHOLDER if substitute else None)
    except openapi.OpenApiError as exc:
        errors.append(FileError(display, str(exc).removeprefix(f"{display}: ")))
        return openapi.Document(display, complete=False)


def _peek(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return fh.read(openapi.MAX_FILE_BYTES)
    except OSError:
        return ""


def _substitution(variables: Any):
    """templatefile's ``${name}``: known strings and numbers are put in, anything else becomes
    a placeholder the reader turns back into an unknown value."""
    def value(m: re.Match) -> str:
        name = m.group(1).strip()
        v = variables.get(name) if isinstance(variables, dict) else None
        if isinstance(v, (str, int, float)) and not isinstance(v, bool) and "\n" not in str(v):
            return str(v)
        return _PLACEHOLDER
    return lambda text: _INTERPOLATION.sub(value, text)


def _stage(res: TfResource) -> ApiStage:
    b = res.body
    src = SourceBuilder(res)
    src.mark("cache_cluster_enabled", b, "cache_cluster_enabled")
    src.mark("cache_cluster_size", b, "cache_cluster_size")
    return ApiStage(source=src.build(), api=api_key(b.get("rest_api_id")),
                    name=as_str(b.get("stage_name")),
                    cache_cluster_enabled=as_bool(b.get("cache_cluster_enabled")),
                    cache_cluster_size=as_str(b.get("cache_cluster_size")))


def _settings(res: TfResource) -> ApiMethodSettings:
    b = res.body
    s = b.block("settings")
    src = SourceBuilder(res)
    src.mark("method_path", b, "method_path")
    values: dict[str, Any] = {}
    if s is not None:
        for field, attr, conv in (
                ("caching_enabled", "caching_enabled", as_bool),
                ("ttl", "cache_ttl_in_seconds", as_int),
                ("encrypted", "cache_data_encrypted", as_bool),
                ("require_authorization_for_cache_control",
                 "require_authorization_for_cache_control", as_bool),
                ("unauthorized_strategy", "unauthorized_cache_control_header_strategy", as_str)):
            src.names[field] = attr
            if s.has(attr):
                values[field] = conv(s.get(attr))
                src.mark(field, s, attr)
            else:
                src.fields.setdefault(field, location(s.span))
    path, http_method = method_path_parts(as_str(b.get("method_path")))
    return ApiMethodSettings(source=src.build(), api=api_key(b.get("rest_api_id")),
                             stage=as_str(b.get("stage_name")), method_path=path,
                             http_method=http_method, **values)


_ROOT = "root_resource_id"  # the attribute of a REST API that names its root resource


def _resource_paths(resources: list[TfResource]) -> dict[str, Any]:
    """API resource address -> full path ("/users/{id}")."""
    return resource_paths({r.address: (resource_node(r.body.get("parent_id"), _ROOT),
                                       r.body.get("path_part"))
                           for r in by_type(resources, "aws_api_gateway_resource")})


def _path_for(resource_id: Any, paths: dict[str, Any]) -> Any:
    return method_resource_path(resource_node(resource_id, _ROOT), paths)


def _methods(resources: list[TfResource], paths: dict[str, Any]) -> list[MethodSpec]:
    authorizers = {r.address: r for r in by_type(resources, "aws_api_gateway_authorizer")}
    integrations = {}
    for r in by_type(resources, "aws_api_gateway_integration"):
        b = r.body
        key = (api_key(b.get("rest_api_id")), _path_for(b.get("resource_id"), paths),
               as_str(b.get("http_method")))
        integrations[key] = r
    out: list[MethodSpec] = []
    for r in by_type(resources, "aws_api_gateway_method"):
        b = r.body
        api = api_key(b.get("rest_api_id"))
        verb = as_str(b.get("http_method"))
        verb = verb.upper() if isinstance(verb, str) else verb
        rpath = _path_for(b.get("resource_id"), paths)
        auth = as_str(b.get("authorization"))
        authorizer_id = b.get("authorizer_id")
        az = authorizers.get(authorizer_id.address) if isinstance(authorizer_id, Symbol) else None
        src = SourceBuilder(r)
        src.mark("authorization", b, "authorization")
        integ = integrations.get((api, rpath, verb))
        key_params: Any = ()
        integ_params: Any = None
        if integ is not None:
            key_params = as_str_tuple(integ.body.get("cache_key_parameters"))
            integ_params = as_str_map(integ.body.get("request_parameters"))
            src.fields["cache_key_parameters"] = location(
                integ.body.where("cache_key_parameters"))
            src.fields["consistent_read"] = location(integ.body.where(
                "request_templates" if integ.body.has("request_templates") else "uri"))
        out.append(MethodSpec(source=src.build(), api=api, http_method=verb,
                              resource_path=rpath, authorization=auth,
                              authorizer=DeclaredAuthorizer(az.body.get("type"),
                                                            az.body.get("identity_source"))
                              if az else None, cache_key_parameters=key_params,
                              integration_parameters=integ_params,
                              integration=_integration(integ) if integ is not None else None))
    return out


def _integration(integ: TfResource) -> Integration:
    b = integ.body
    prefix = f"{integ.module}." if integ.module else ""
    targets = tuple(sorted({f"{prefix}{r[0]}.{r[1]}" for r in references(b.exprs.get("uri"))
                            if len(r) >= 2 and r[0].startswith("aws_")}))
    return Integration(type=as_str(b.get("type")), uri=_text(b, "uri"),
                       request_templates=_templates(b), targets=targets)


def _text(b: Any, name: str) -> Any:
    value = b.get(name)
    if value is None or isinstance(value, str):
        return value
    expr = b.exprs.get(name)
    return partial_text(expr, b.scope) if expr is not None and b.scope is not None else UNKNOWN


def _templates(b: Any) -> Any:
    """``request_templates`` (content type -> template text), each text kept as far as it can
    be read; UNKNOWN where the map itself cannot be."""
    value = b.get("request_templates")
    if value is None or not isinstance(value, dict):
        return None if value is None else UNKNOWN
    expr = b.exprs.get("request_templates")
    exprs = {}
    if isinstance(expr, ObjectExpr) and b.scope is not None:
        for k, v in expr.items:
            key = evaluate(k, b.scope)
            if isinstance(key, str):
                exprs[key] = v
    out = {}
    for ctype, text in value.items():
        if not isinstance(text, str) and ctype in exprs:
            text = partial_text(exprs[ctype], b.scope)
        out[ctype] = text if isinstance(text, str) else UNKNOWN
    return out


def _http_apis(resources: list[TfResource]) -> list[HttpApi]:
    routes: dict[str, list[str]] = {}
    for r in by_type(resources, "aws_apigatewayv2_route"):
        key = ref_key(r.body.get("api_id"))
        rk = r.body.get("route_key")
        if key is not None and isinstance(rk, str):
            routes.setdefault(str(key), []).append(rk)
    out = []
    for r in by_type(resources, "aws_apigatewayv2_api"):
        protocol = as_str(r.body.get("protocol_type"))
        if protocol != "HTTP":
            continue
        src = SourceBuilder(r)
        out.append(HttpApi(source=src.build(), name=as_str(r.body.get("name")),
                           protocol=protocol, routes=tuple(routes.get(r.address, ()))))
    return out
