"""The OpenAPI definition of a CloudFormation or SAM REST API: ``Body``/``DefinitionBody``
inline or through ``Fn::Transform: AWS::Include``, ``DefinitionUri``, ``BodyS3Location``."""

from __future__ import annotations

import os
from typing import Any

from cachelint.loaders import openapi
from cachelint.loaders.cloudformation.mapping import CfnResource
from cachelint.errors import FileError
from cachelint.model import Location
from cachelint.values import UNKNOWN


def _include_location(raw: Any) -> Any:
    """``Fn::Transform: {Name: AWS::Include, Parameters: {Location: ...}}`` -> the location."""
    if isinstance(raw, dict) and len(raw) == 1 and "Fn::Transform" in raw:
        spec = raw["Fn::Transform"]
        if isinstance(spec, dict) and spec.get("Name") == "AWS::Include":
            params = spec.get("Parameters")
            return params.get("Location") if isinstance(params, dict) else UNKNOWN
        return UNKNOWN
    return None


def definition(r: CfnResource, body_key: str, uri_key: str, notes: list, errors: list
                ) -> Any:
    """The resource's OpenAPI document: None if it has none, a Document (incomplete where
    it could not be read, with a note or an error saying why)."""
    raw_props = r.raw.get("Properties") if isinstance(r.raw.get("Properties"), dict) else {}
    raw = raw_props.get(body_key)
    where = Location(r.path, r.line, r.end_line)
    what = f"{r.path}: {r.logical_id}.{body_key}"
    if raw is not None:
        include = _include_location(raw)
        if include is not None:
            return _definition_file(r, include, f"{what} (AWS::Include)", notes, errors)
        body = r.props.get(body_key)
        if isinstance(body, dict):
            return openapi.read_document(body, where)
        if isinstance(body, str):
            return openapi.read_json_text(body, where)
        notes.append(f"{what} could not be evaluated: its methods are not checked")
        return openapi.Document(r.path, complete=False)
    uri = r.props.get(uri_key)
    if uri is None:
        return None
    if isinstance(uri, str) and r.type == "AWS::Serverless::Api":
        return _definition_file(r, uri, f"{r.path}: {r.logical_id}.{uri_key}", notes, errors)
    notes.append(f"{r.path}: {r.logical_id}.{uri_key} is in S3: its OpenAPI methods are not "
                 "checked (scan the local definition file instead)")
    return openapi.Document(r.path, complete=False)


def _definition_file(r: CfnResource, location: Any, what: str, notes: list, errors: list
                     ) -> Any:
    if not isinstance(location, str) or location.startswith(("s3://", "https://", "http://")):
        shown = location if isinstance(location, str) else "not a known value"
        notes.append(f"{what} is not a local file ({shown}): its OpenAPI methods are not "
                     "checked")
        return openapi.Document(r.path, complete=False)
    real_dir = os.path.dirname(getattr(r.template, "file", None) or r.path)
    display = os.path.normpath(os.path.join(os.path.dirname(r.path), location))
    try:
        return openapi.read_file(os.path.join(real_dir, location), display)
    except openapi.OpenApiError as exc:
        errors.append(FileError(display, str(exc).removeprefix(f"{display}: ")))
        return openapi.Document(display, complete=False)
