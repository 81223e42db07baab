"""CloudFormation/SAM Lambda functions and ECS task definitions -> the model: their environment
and where their source is (read only when the scan holds application code)."""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Any

from cachelint.loaders.cloudformation.mapping import CfnResource, CfnSourceBuilder, of_type
from cachelint.linking.compute import replicas, task_containers
from cachelint.model import Function, Resource, Source
from cachelint.values import UNKNOWN, Symbol, as_int, text_or

TYPES = {"AWS::Lambda::Function", "AWS::Serverless::Function", "AWS::ECS::TaskDefinition",
         "AWS::ECS::Service"}


def map_resources(resources: list[CfnResource]) -> list[Resource]:
    out: list[Resource] = []
    for r in of_type(resources, "AWS::Lambda::Function", "AWS::Serverless::Function"):
        out.append(_function(r))
    services = of_type(resources, "AWS::ECS::Service")
    for r in of_type(resources, "AWS::ECS::TaskDefinition"):
        count = replicas(_desired_counts(r, services))
        out.extend(replace(c, replicas=count) for c in _containers(r))
    return out


def _desired_counts(task: CfnResource, services: list[CfnResource]) -> list[Any]:
    """The DesiredCount of each service of the template whose TaskDefinition is ``!Ref`` the
    task (linking.compute.replicas reads them)."""
    counts = []
    for s in services:
        ref = s.props.get("TaskDefinition")
        # The same document: a resource read under assumed parameter values has a template
        # of its own, over the same data.
        if isinstance(ref, Symbol) and ref.address == task.logical_id and \
                s.template.data is task.template.data:
            counts.append(as_int(s.props.get("DesiredCount")))
    return counts


def _variables(env: Any) -> Any:
    if env is None:
        return {}
    variables = env.get("Variables") if isinstance(env, dict) else UNKNOWN
    if variables is None:
        return {}
    return dict(variables) if isinstance(variables, dict) else UNKNOWN


def _function(r: CfnResource) -> Function:
    src = CfnSourceBuilder(r)
    props = r.props
    environment = _variables(props.get("Environment"))
    if r.type == "AWS::Serverless::Function":
        # SAM's Globals.Function.Environment.Variables apply to every function; its own win.
        globals_ = r.template.data.get("Globals")
        fn = globals_.get("Function") if isinstance(globals_, dict) else None
        shared = _variables(r.template.value(fn.get("Environment"))) \
            if isinstance(fn, dict) else {}
        if isinstance(shared, dict) and isinstance(environment, dict):
            environment = {**shared, **environment}
        elif shared is UNKNOWN:
            environment = UNKNOWN
    env = props.get("Environment")
    if isinstance(env, dict):
        src.mark("environment", env, "Variables")
    paths = []
    code = props.get("CodeUri") if r.type == "AWS::Serverless::Function" else None
    if code is None:
        code = props.get("Code")  # a local path where `aws cloudformation package` runs
    if isinstance(code, str) and "://" not in code:
        folder = os.path.dirname(os.path.abspath(getattr(r.template, "file", r.path) or r.path))
        paths.append(os.path.normpath(os.path.join(folder, code)))
    elif isinstance(code, dict) and isinstance(code.get("ZipFile"), str):
        pass  # inline code: not a file cachelint reads
    return Function(source=src.build(), name=text_or(props.get("FunctionName"), r.logical_id),
                    environment=environment, code_paths=tuple(paths))


def _containers(r: CfnResource) -> list[Function]:
    def source(container: dict) -> Source:
        src = CfnSourceBuilder(r)
        src.mark("environment", container, "Environment")
        return src.build()
    return task_containers(r.props.get("ContainerDefinitions"),
                           ("Name", "Environment", "Name", "Value"), source,
                           lambda i: f"{r.logical_id}[{i}]")
