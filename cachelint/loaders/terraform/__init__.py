"""Terraform (HCL and JSON syntax) -> the normalized cache model."""

from __future__ import annotations

import os

from cachelint.errors import FileError
from cachelint.files import internal_error
from cachelint.loaders import registry
from cachelint.loaders.terraform.plan import is_plan_file, load_plan
from cachelint.loaders.terraform.project import TerraformProject
from cachelint.model import Inventory, SourceKind

__all__ = ["RELEVANT_TYPES", "is_plan_file", "load_plans", "load_terraform"]

RELEVANT_TYPES = registry.types(SourceKind.TERRAFORM)
# With application code in the scan: the functions and tasks that run it too.
CODE_TYPES = registry.types(SourceKind.TERRAFORM, code=True)


def load_terraform(paths: list[str], var_files: list[str] = (), variables: dict | None = None,
                   display_base: str | None = None, cache_dir: str | None = None,
                   prefilter: bool = True, jobs: int | None = None, found=None,
                   code_env: frozenset = frozenset()) -> Inventory:
    """Parse and evaluate every Terraform module under ``paths`` into one inventory
    (``found``: the scan's discovery.Walk of ``paths``; None: walk them with the defaults;
    ``code_env``: the environment variables application code reads, whose functions and
    tasks are read too)."""
    project = TerraformProject(paths[0] if paths else ".",
                               CODE_TYPES if code_env else RELEVANT_TYPES, var_files, variables,
                               display_base, cache_dir=cache_dir, prefilter=prefilter, jobs=jobs,
                               found=found, code_env=code_env)
    result = project.load(paths)
    inventory = Inventory(errors=list(result.errors), notes=list(result.notes),
                          files=result.files, directives=list(result.directives),
                          alone_roots=set(result.alone_roots),
                          undeclared={("variable", name) for name in result.undeclared_vars},
                          templates=list(result.templates))
    _map(result.resources, inventory)
    return inventory


def load_plans(plans: list[str], config_dirs: list[str], display_base: str | None = None
               ) -> Inventory:
    """Terraform plan JSON files; ``config_dirs`` (the configuration) only locate findings."""
    base = os.path.abspath(display_base or os.getcwd())
    inventory = Inventory()
    resources = []
    for path in plans:
        rel = os.path.relpath(os.path.abspath(path), base)
        display = path if rel.startswith("..") else rel
        dirs = config_dirs or ([os.path.dirname(os.path.abspath(path))]
                               if _has_terraform(os.path.dirname(os.path.abspath(path))) else [])
        found, errors = load_plan(path, display, dirs, RELEVANT_TYPES, base)
        resources.extend(found)
        inventory.errors.extend(errors)
        inventory.files += 1
    _map(resources, inventory)
    return inventory


def _has_terraform(directory: str) -> bool:
    try:
        return any(n.endswith((".tf", ".tf.json")) for n in os.listdir(directory))
    except OSError:
        return False


def _map(resources: list, inventory: Inventory) -> None:
    # Each root module (or plan) is its own namespace of addresses: map them one at a time.
    roots: dict[str, list] = {}
    for res in resources:
        roots.setdefault(res.root, []).append(res)
    for root, group in sorted(roots.items()):
        try:
            mapped = registry.read(SourceKind.TERRAFORM, group, inventory, code=True)
        except Exception as exc:  # noqa: BLE001 - one module must not stop the scan
            inventory.errors.append(FileError(root or ".", internal_error(exc)))
            continue
        inventory.resources.extend(mapped)
