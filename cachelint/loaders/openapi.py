"""OpenAPI (Swagger 2.0 and OpenAPI 3.0) documents of REST APIs -> what they declare.

One reader for every loader: a CloudFormation ``Body``/SAM ``DefinitionBody`` (inline or an
``AWS::Include``), a SAM ``DefinitionUri`` file, or a Terraform ``body`` (``jsonencode``,
``file``, ``templatefile``). It reports operations, security schemes and the API Gateway
extensions as written, each with its line; what API Gateway makes of them (authorization
types, identity sources, default authorizers) is derived in :mod:`cachelint.linking`.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field, replace
from collections.abc import Callable
from typing import Any

from cachelint.loaders.cloudformation.template import (
    CfnDict, TemplateError, parse_template_text,
)
from cachelint.model import Location
from cachelint.suppressions import parse_comment
from cachelint.consistency import Integration
from cachelint.values import UNKNOWN, as_str, as_str_map, is_known

ANY_METHOD = "x-amazon-apigateway-any-method"
VERBS = ("get", "put", "post", "delete", "options", "head", "patch")
INTEGRATION = "x-amazon-apigateway-integration"
MAX_FILE_BYTES = 5 * 1024 * 1024


class OpenApiError(ValueError):
    """A definition file that cannot be read as an OpenAPI document."""


@dataclass(frozen=True)
class Scheme:
    """A security scheme (``securityDefinitions`` / ``components.securitySchemes``)."""

    name: str
    auth_type: Any = None  # x-amazon-apigateway-authtype: cognito_user_pools, custom, awsSigv4
    authorizer_type: Any = None  # x-amazon-apigateway-authorizer.type: token, request, ...
    identity_source: Any = None  # x-amazon-apigateway-authorizer.identitySource
    header: Any = None  # an apiKey scheme's header ("name" with "in: header")
    has_authorizer: bool = False


@dataclass(frozen=True)
class Operation:
    """One operation (method) of a path, as written."""

    path: Any
    verb: Any  # upper case; ANY for x-amazon-apigateway-any-method
    location: Location
    security: Any = None  # None: not written (the document's applies); tuple of names; UNKNOWN
    auth_type: Any = None  # x-amazon-apigateway-auth.type (AWS_IAM, NONE)
    cache_key_parameters: Any = ()
    integration_parameters: Any = None  # requestParameters of the integration, as written
    integration: Any = None  # consistency.Integration: type, uri, requestTemplates as written
    integration_location: Location | None = None
    cache_key_location: Location | None = None
    security_location: Location | None = None


@dataclass(frozen=True)
class Document:
    path: str  # the file the document's lines refer to
    operations: tuple = ()
    schemes: dict = field(default_factory=dict)
    security: Any = None  # the document-wide security requirement
    complete: bool = True  # every path and operation could be read
    directives: tuple = ()  # ``# cachelint:ignore`` comments of a definition file


# A locator finds the line of a key path (("paths", "/items", "get")) where the document's
# values carry none (a Terraform jsonencode): None when it cannot be told.
Locator = Callable[[tuple], "int | None"]


def _lines(container: Any, key: Any, fallback: Location, locate: Locator | None,
           keys: tuple) -> Location:
    if isinstance(container, CfnDict) and key in container.key_lines:
        start, end = container.key_lines[key]
        return Location(fallback.path, start, end)
    if locate is not None:
        line = locate(keys)
        if line:
            return Location(fallback.path, line, line)
    return fallback


def _names(requirement: Any) -> Any:
    """A security requirement list -> the scheme names it uses (alternatives flattened)."""
    if requirement is None:
        return None
    if not isinstance(requirement, list):
        return UNKNOWN
    names: list[str] = []
    for item in requirement:
        if not isinstance(item, dict) or not all(isinstance(k, str) for k in item):
            return UNKNOWN
        names.extend(item)
    return tuple(names)


def _scheme(name: str, raw: Any) -> Scheme:
    if not isinstance(raw, dict):
        return Scheme(name, auth_type=UNKNOWN)
    az = raw.get("x-amazon-apigateway-authorizer")
    header = raw.get("name") if raw.get("in") == "header" else None
    return Scheme(
        name, auth_type=raw.get("x-amazon-apigateway-authtype"),
        authorizer_type=az.get("type") if isinstance(az, dict) else None,
        identity_source=az.get("identitySource") if isinstance(az, dict) else None,
        header=header, has_authorizer=isinstance(az, dict))


def read_document(doc: Any, where: Location, locate: Locator | None = None) -> Document:
    """The operations and schemes of an OpenAPI document (a parsed value, lines kept where the
    parser kept them). Parts that are not known values make the document incomplete."""
    if not isinstance(doc, dict):
        return Document(where.path, complete=False)
    schemes: dict[str, Scheme] = {}
    components = doc.get("components")
    for container in (doc.get("securityDefinitions"),
                      components.get("securitySchemes") if isinstance(components, dict)
                      else None):
        if isinstance(container, dict):
            schemes.update({str(k): _scheme(str(k), v) for k, v in container.items()})
    paths = doc.get("paths")
    complete = isinstance(paths, dict)
    operations: list[Operation] = []
    for path, item in (paths.items() if isinstance(paths, dict) else []):
        if not isinstance(path, str) or not isinstance(item, dict):
            complete = False
            continue
        where_path = _lines(paths, path, where, locate, ("paths", path))
        for key, op in item.items():
            verb = "ANY" if key == ANY_METHOD else (
                key.upper() if isinstance(key, str) and key.lower() in VERBS else None)
            if verb is None:
                continue  # parameters, summary, other extensions
            if not isinstance(op, dict):
                complete = False
                continue
            operations.append(_operation(path, verb, key, item, op, where_path, locate))
    return Document(where.path, tuple(operations), schemes, _names(doc.get("security")),
                    complete)


def _operation(path: str, verb: str, key: str, item: dict, op: dict, where: Location,
               locate: Locator | None) -> Operation:
    location = _lines(item, key, where, locate, ("paths", path, key))
    auth = op.get("x-amazon-apigateway-auth")
    integ = op.get(INTEGRATION)
    keys: Any = ()
    integ_params: Any = None
    key_location = None
    integration: Any = None
    integ_location = None
    if isinstance(integ, dict):
        integ_params = as_str_map(integ.get("requestParameters"))
        templates = integ.get("requestTemplates")
        integration = Integration(
            type=as_str(integ.get("type")), uri=as_str(integ.get("uri")),
            request_templates={str(k): v if isinstance(v, str) else UNKNOWN
                               for k, v in templates.items()}
            if isinstance(templates, dict) else (None if templates is None else UNKNOWN))
        where_key = "requestTemplates" if templates is not None else "uri"
        integ_location = _lines(integ, where_key, location, locate,
                                ("paths", path, key, INTEGRATION, where_key))
        raw = integ.get("cacheKeyParameters")
        if raw is not None:
            keys = tuple(raw) if isinstance(raw, list) and all(
                isinstance(k, str) for k in raw) else UNKNOWN
            key_location = _lines(integ, "cacheKeyParameters", location, locate,
                                  ("paths", path, key, INTEGRATION, "cacheKeyParameters"))
    elif integ is not None and not is_known(integ):
        keys = integ_params = UNKNOWN
        integration = Integration(UNKNOWN, UNKNOWN, UNKNOWN)
    security_location = _lines(op, "security", location, locate,
                               ("paths", path, key, "security")) if "security" in op else None
    return Operation(path=path, verb=verb, location=location, security=_names(
        op.get("security")), auth_type=auth.get("type") if isinstance(auth, dict) else None,
        cache_key_parameters=keys, integration_parameters=integ_params,
        integration=integration, integration_location=integ_location,
        cache_key_location=key_location,
        security_location=security_location)


# --- documents in files ----------------------------------------------------------------------


def parse_text(text: str, name: str) -> Any:
    """YAML or JSON text -> a value whose mappings remember their lines."""
    try:
        return parse_template_text(text)
    except TemplateError as exc:
        raise OpenApiError(f"{name}: {exc}") from None


def read_file(path: str, display: str, substitute: Callable[[str], str] | None = None,
              unknown_marker: str | None = None) -> Document:
    """An OpenAPI document in a file (``substitute`` rewrites its text first, as
    ``templatefile`` does; values holding ``unknown_marker`` are then unknown). Raises
    OpenApiError naming the file and the problem."""
    try:
        if os.path.getsize(path) > MAX_FILE_BYTES:
            raise OpenApiError(f"{display}: larger than {MAX_FILE_BYTES} bytes, not read")
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except OSError as exc:
        raise OpenApiError(f"{display}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise OpenApiError(f"{display}: not UTF-8 text") from None
    if substitute is not None:
        text = substitute(text)
    doc = parse_text(text, display)
    if not isinstance(doc, dict) or not ("swagger" in doc or "openapi" in doc
                                         or "paths" in doc):
        raise OpenApiError(f"{display}: not an OpenAPI document (no swagger/openapi/paths)")
    if unknown_marker:
        _mark_unknown(doc, unknown_marker)
    found = read_document(doc, Location(display, 1, 1))
    return replace(found, directives=_directives(text, display))


_COMMENT = re.compile(r"(?:^|\s)#(.*cachelint.*)$", re.IGNORECASE)


def _directives(text: str, display: str) -> tuple:
    """``# cachelint:ignore CLnnn -- reason`` in a YAML definition: findings on its methods
    point into this file, so they are suppressed here."""
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        m = _COMMENT.search(line)
        found = parse_comment(display, number, m.group(1)) if m else None
        if found is not None:
            out.append(found)
    return tuple(out)


def _mark_unknown(value: Any, marker: str, depth: int = 0) -> Any:
    """Strings holding ``marker`` (a value a template could not fill in) become UNKNOWN, in
    place, so that lines are kept."""
    if isinstance(value, str):
        return UNKNOWN if marker in value else value
    if depth > 64:
        return value
    if isinstance(value, dict):
        for key in list(value):
            value[key] = UNKNOWN if isinstance(key, str) and marker in key else \
                _mark_unknown(value[key], marker, depth + 1)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            value[i] = _mark_unknown(item, marker, depth + 1)
    return value


def read_json_text(text: str, where: Location, first_line: int | None = None) -> Document:
    """A document given as JSON or YAML text (a Terraform ``body`` string). With
    ``first_line`` (where the text's first line is in the file, a heredoc), findings point at
    their lines; otherwise at ``where``."""
    if first_line is None:
        try:
            return read_document(json.loads(text), where)
        except ValueError:
            pass
    try:
        doc = parse_template_text(text)
    except TemplateError:
        return Document(where.path, complete=False)
    if first_line is None:
        return read_document(_without_lines(doc), where)
    found = read_document(doc, Location(where.path, 1, 1))
    shift = first_line - 1

    def moved(loc: Any) -> Any:
        return None if loc is None else Location(loc.path, loc.start_line + shift,
                                                 loc.end_line + shift)
    ops = tuple(replace(op, location=moved(op.location),
                        cache_key_location=moved(op.cache_key_location),
                        security_location=moved(op.security_location))
                for op in found.operations)
    return replace(found, operations=ops)


def _without_lines(value: Any) -> Any:
    """Plain containers: lines of a text that is not where the user wrote it mean nothing."""
    if isinstance(value, dict):
        return {k: _without_lines(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_lines(v) for v in value]
    return value


# --- lines of a document written inline in another syntax (HCL) ------------------------------


def text_locator(lines: list[str], start: int, end: int) -> Locator:
    """Finds a key path by its keys in order (``"/items" = {``, ``get = {``) between two lines
    of a file, for documents written as an HCL object inside ``jsonencode``."""
    def locate(keys: tuple) -> int | None:
        line = start
        for key in keys:
            pattern = re.compile(r'(^|[\s{,])"?' + re.escape(str(key)) + r'"?\s*[=:]')
            for number in range(line, end + 1):
                if pattern.search(lines[number - 1]):
                    line = number
                    break
            else:
                return None
        return line
    return locate

