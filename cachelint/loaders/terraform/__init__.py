"""Terraform (HCL and JSON syntax) -> the normalized cache model."""

from __future__ import annotations

from cachelint.loaders.terraform import map_apigateway, map_cloudfront, map_datastores
from cachelint.loaders.terraform.project import TerraformProject
from cachelint.model import Inventory

RELEVANT_TYPES = map_apigateway.TYPES | map_cloudfront.TYPES | map_datastores.TYPES


def load_terraform(paths: list[str], var_files: list[str] = (), variables: dict | None = None,
                   display_base: str | None = None) -> Inventory:
    """Parse and evaluate every Terraform module under ``paths`` into one inventory."""
    project = TerraformProject(paths[0] if paths else ".", RELEVANT_TYPES, var_files, variables,
                               display_base)
    result = project.load(paths)
    inventory = Inventory(errors=list(result.errors), notes=list(result.notes),
                          files=result.files)
    # Each root module is its own namespace of addresses: map them one at a time.
    roots: dict[str, list] = {}
    for res in result.resources:
        roots.setdefault(res.root, []).append(res)
    for _, resources in sorted(roots.items()):
        for mapper in (map_apigateway, map_cloudfront, map_datastores):
            inventory.resources.extend(mapper.map_resources(resources))
    return inventory
