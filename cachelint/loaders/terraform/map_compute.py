"""Terraform Lambda functions and ECS task definitions -> the model: their environment and
where their source is (read only when the scan holds application code)."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from typing import Any

from cachelint.loaders.terraform.evaluate import evaluate
from cachelint.loaders.terraform.mapping import SourceBuilder, by_type
from cachelint.loaders.terraform.module import TfResource
from cachelint.loaders.terraform.syntax import Call
from cachelint.linking.compute import replicas, task_containers
from cachelint.model import Function, Resource
from cachelint.values import UNKNOWN, Symbol, as_int, as_str

TYPES = {"aws_lambda_function", "aws_ecs_task_definition", "aws_ecs_service", "archive_file"}


def map_resources(resources: list[TfResource]) -> list[Resource]:
    archives = {r.address: r for r in resources if r.mode == "data" and r.type == "archive_file"}
    out: list[Resource] = []
    for r in by_type(resources, "aws_lambda_function"):
        out.append(_lambda(r, archives))
    services = by_type(resources, "aws_ecs_service")
    for r in by_type(resources, "aws_ecs_task_definition"):
        count = replicas(_desired_counts(r, services))
        out.extend(replace(c, replicas=count) for c in _containers(r))
    return out


def _desired_counts(task: TfResource, services: list[TfResource]) -> list[Any]:
    """The desired_count of each service (of the scan, same module) whose task_definition
    references ``task`` (linking.compute.replicas reads them)."""
    prefix = task.address[: task.address.rfind("aws_ecs_task_definition.")]
    counts = []
    for s in services:
        ref = s.body.get("task_definition")
        if isinstance(ref, Symbol) and prefix + ref.address == task.address:
            counts.append(as_int(s.body.get("desired_count")))
    return counts


def _lambda(r: TfResource, archives: dict[str, TfResource]) -> Function:
    b = r.body
    src = SourceBuilder(r)
    env_block = b.block("environment")
    environment: Any = {}
    if env_block is not None:
        src.mark("environment", env_block, "variables")
        variables = env_block.get("variables")
        environment = dict(variables) if isinstance(variables, dict) else UNKNOWN
    return Function(source=src.build(), name=as_str(b.get("function_name")),
                    environment=environment, code_paths=_code_paths(r, archives))


def _code_paths(r: TfResource, archives: dict[str, TfResource]) -> tuple:
    """The source behind ``filename``: an ``archive_file``'s source_dir or source_file."""
    out = []
    for attr in ("filename", "source_code_hash"):
        value = r.body.get(attr)
        if isinstance(value, Symbol):
            prefix = r.address[: r.address.rfind("aws_lambda_function.")]
            archive = archives.get(value.address) or archives.get(prefix + value.address)
            if archive is not None:
                for key in ("source_dir", "source_file"):
                    path = archive.body.get(key)
                    if isinstance(path, str):
                        out.append(_absolute(path, r.root))
    return tuple(dict.fromkeys(out))


def _absolute(path: str, root: str) -> str:
    # Terraform resolves a relative path from the root module's folder (where it runs).
    return os.path.normpath(path if os.path.isabs(path) else os.path.join(root or ".", path))


def _containers(r: TfResource) -> list[Function]:
    """One Function per container of a task definition whose definitions can be read."""
    raw = r.body.get("container_definitions")
    expr, scope = r.body.exprs.get("container_definitions"), r.body.scope
    if isinstance(expr, Call) and expr.name == "jsonencode" and expr.args and scope is not None:
        # Evaluated apart from jsonencode, so references (a table's name) stay Symbols.
        raw = evaluate(expr.args[0], scope)
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raw = None
    src = SourceBuilder(r)
    src.mark("environment", r.body, "container_definitions")
    source = src.build()
    return task_containers(raw, ("name", "environment", "name", "value"), lambda _: source,
                           lambda i: f"{r.address} container {i}")
