"""One scan: load every source into the model, run the selected rules, build the report."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from cachelint import engine
from cachelint.catalogue import Rule, load_catalogue
from cachelint.config import Config
from cachelint.findings import Report, ScanError
from cachelint.loaders.terraform import load_terraform


@dataclass(frozen=True)
class ScanOptions:
    paths: tuple[str, ...]
    config: Config = Config()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    var_files: tuple[str, ...] = ()
    variables: dict = field(default_factory=dict)


def selected_rules(options: ScanOptions) -> list[Rule]:
    selection = engine.Selection(options.select or options.config.select,
                                 tuple(options.config.ignore) + tuple(options.ignore))
    return [r for r in load_catalogue() if selection.enabled(r)]


def run_scan(options: ScanOptions) -> Report:
    for path in options.paths:
        if not os.path.exists(path):
            raise FileNotFoundError(path)
    inventory = load_terraform(list(options.paths),
                               var_files=list(options.config.var_files) + list(options.var_files),
                               variables=dict(options.variables))
    findings = engine.run(selected_rules(options), inventory, options.config)
    return Report(findings=findings,
                  errors=[ScanError(e.path, e.message) for e in inventory.errors],
                  notes=list(inventory.notes), files_scanned=inventory.files,
                  resources_scanned=len(inventory.resources))
