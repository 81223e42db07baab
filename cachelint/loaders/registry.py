"""The readers of every source, with the resource types each reads.

A new source or a new layer is one reader module (its ``TYPES`` and ``map_resources``) and
one line here; the loaders (Terraform, CloudFormation, the account snapshot) run the readers of
their source from this table and the Terraform prefilter derives its relevant words from it
(docs/architecture.md).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from cachelint.model import Inventory, Resource, SourceKind


@dataclass(frozen=True)
class Reader:
    source: SourceKind
    layer: str  # "apigateway", "cloudfront" or "datastores"
    module: str  # the reader's module: TYPES and map_resources(resources[, notes, errors,
    # directives])
    # Whether map_resources reports what it could not read (OpenAPI definitions) and the
    # suppression comments of the files it reads besides the resources' own.
    reports: bool = False
    # Types read only to resolve what another type refers to (IAM policies naming the tables
    # a DAX cluster reads): they do not make a file relevant by themselves.
    supporting: frozenset = frozenset()
    # Read only when the scan holds application code (the functions and tasks that run it).
    code_only: bool = False

    @property
    def mapper(self) -> ModuleType:
        return importlib.import_module(self.module)

    @property
    def types(self) -> frozenset:
        return frozenset(self.mapper.TYPES)

    def read(self, resources: list[Any], inventory: Inventory) -> list[Resource]:
        if self.reports:
            return self.mapper.map_resources(resources, inventory.notes, inventory.errors,
                                             inventory.directives)
        return self.mapper.map_resources(resources)


_IAM_TF = frozenset({"aws_iam_role", "aws_iam_role_policy", "aws_iam_policy",
                     "aws_iam_role_policy_attachment", "aws_iam_policy_document"})
_IAM_CFN = frozenset({"AWS::IAM::Role", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy",
                      "AWS::IAM::RolePolicy"})

READERS: tuple[Reader, ...] = (
    Reader(SourceKind.TERRAFORM, "apigateway", "cachelint.loaders.terraform.map_apigateway",
           reports=True),
    Reader(SourceKind.TERRAFORM, "cloudfront", "cachelint.loaders.terraform.map_cloudfront"),
    Reader(SourceKind.TERRAFORM, "datastores", "cachelint.loaders.terraform.map_datastores",
           supporting=_IAM_TF),
    Reader(SourceKind.CLOUDFORMATION, "apigateway",
           "cachelint.loaders.cloudformation.map_apigateway", reports=True),
    Reader(SourceKind.CLOUDFORMATION, "cloudfront",
           "cachelint.loaders.cloudformation.map_cloudfront"),
    Reader(SourceKind.CLOUDFORMATION, "datastores",
           "cachelint.loaders.cloudformation.map_datastores", supporting=_IAM_CFN),
    Reader(SourceKind.TERRAFORM, "compute", "cachelint.loaders.terraform.map_compute",
           code_only=True),
    Reader(SourceKind.CLOUDFORMATION, "compute", "cachelint.loaders.cloudformation.map_compute",
           code_only=True),
    # The account snapshot (a live scan or account.json): each reads a region of an account
    # (cachelint.aws.part.Part); TYPES are the types of what it makes.
    Reader(SourceKind.AWS, "apigateway", "cachelint.aws.map_apigateway"),
    Reader(SourceKind.AWS, "cloudfront", "cachelint.aws.map_cloudfront"),
    Reader(SourceKind.AWS, "datastores", "cachelint.aws.map_datastores"),
)


def readers(source: SourceKind, code: bool = False) -> list[Reader]:
    """The readers of ``source`` (with ``code``: also those read only beside application code)."""
    return [r for r in READERS if r.source is source and (code or not r.code_only)]


def read(source: SourceKind, resources: list[Any], inventory: Inventory,
         code: bool = False) -> list[Resource]:
    """Every reader of ``source`` over one module's (or template's) resources."""
    return [m for reader in readers(source, code) for m in reader.read(resources, inventory)]


def types(source: SourceKind, supporting: bool = True, code: bool = False) -> frozenset:
    """The resource types the readers of ``source`` read (without ``supporting``: only the
    types that make a file worth reading; with ``code``: also the functions and tasks)."""
    return frozenset(t for r in readers(source, code) for t in r.types
                     if supporting or t not in r.supporting)


def code_types(source: SourceKind) -> frozenset:
    """The types read only when the scan holds application code."""
    return frozenset(t for r in READERS if r.source is source and r.code_only for t in r.types)
