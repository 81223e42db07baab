"""Where a ``module`` call's source is, and what to say when it cannot be read.

Local paths, modules ``terraform init`` installed, sources outside the scanned folder, missing
folders and git submodules that are not checked out: each case is read or reported (one error
or note), never skipped in silence.
"""

from __future__ import annotations

import json
import os
import re
from typing import TYPE_CHECKING, Any

from cachelint.errors import FileError
from cachelint.files import repository_root
from cachelint.loaders.terraform.module import has_configuration, module_source_dir

if TYPE_CHECKING:
    from cachelint.loaders.terraform.module import ModuleInstance
    from cachelint.loaders.terraform.project import TerraformProject
    from cachelint.loaders.terraform.syntax import Block, ConfigFile


class ModuleSources:
    def __init__(self, project: TerraformProject):
        self.project = project
        self.repositories: list[str] = []  # the work trees (or folders) of the scanned paths
        self._manifests: dict[str, dict[str, str]] = {}
        self._reported: set = set()  # sources (or calls of them) already reported

    def start(self, paths: list[str]) -> None:
        self.repositories = sorted({os.path.realpath(repository_root(p)) for p in paths})

    def resolve(self, parent: ModuleInstance, name: str, block: Block, f: ConfigFile,
                source: Any) -> str | None:
        """The folder to read for a module call, or None (and why, said once)."""
        target = module_source_dir(parent.directory, source)
        if target is None:
            target = self._installed(parent, name)
        if target is None:
            if isinstance(source, str):
                self._report(source, note=(
                    f"{f.path}:{block.line}: module \"{name}\" comes from {source!r}, which is "
                    "not a local path and not installed by `terraform init`; its resources were "
                    "not scanned"))
            return None
        return target if self._present(f, block, name, source, target) else None

    def _present(self, f: ConfigFile, block: Block, name: str, source: Any,
                 target: str) -> bool:
        """Whether a local source can be read; if not, say why: an error for a folder missing
        in the scanned tree (a typo, a moved module) at each calling line, a note for an empty
        folder (a git submodule not checked out) or a folder outside the scan that is not on
        this disk. A source outside the scanned folder that exists is read, as Terraform reads
        it, and noted (outside a git work tree; in one, the repository is the boundary)."""
        project = self.project
        where = f"{f.path}:{block.line}: module \"{name}\" (source {source!r})"
        inside = project.within(target)
        call = (target, f.path, block.line)
        if not inside and self._in_repository():
            # A repository under review must not make the scan read other files.
            self._report(call, error=FileError(
                f.path, f"line {block.line}: module \"{name}\" source {source!r} leads out of "
                        "the scanned repository; not followed"))
            return False
        if not os.path.isdir(target):
            if inside:
                self._report(call, error=FileError(
                    f.path, f"line {block.line}: module \"{name}\" source {source!r} not found: "
                            "no such folder, so its resources were not checked"))
            else:
                self._report(target, note=f"{where} is outside the scanned folder and not on "
                                          "this disk; its resources were not scanned")
            return False
        if not has_configuration(target):
            kind = "a git submodule (.gitmodules) that is not checked out" \
                if _submodule(target) else "a folder with no Terraform files"
            self._report(target, note=f"{where}: module source not present ({kind}); is the "
                                      "submodule initialised (`git submodule update --init`)? "
                                      "Its resources were not scanned")
            return False
        if not inside:
            project.boundaries.append(os.path.realpath(target))  # its files are in bounds
            self._report(target, note=f"{where} is outside the scanned folder "
                                      f"({project.display(target)}); read to evaluate it, as "
                                      "Terraform does")
        return True

    def _in_repository(self) -> bool:
        return any(os.path.exists(os.path.join(b, ".git")) for b in self.repositories)

    def _report(self, key: Any, error: FileError | None = None, note: str | None = None) -> None:
        if key in self._reported:
            return
        self._reported.add(key)
        if error is not None:
            self.project.result.errors.append(error)
        if note is not None:
            self.project.result.notes.append(note)

    def _installed(self, parent: ModuleInstance, name: str) -> str | None:
        """A registry/git module that ``terraform init`` downloaded into .terraform/modules."""
        manifest = self._manifests.get(parent.root_dir)
        if manifest is None:
            manifest = {}
            path = os.path.join(parent.root_dir, ".terraform", "modules", "modules.json")
            try:
                with open(path, encoding="utf-8") as fh:
                    for entry in json.load(fh).get("Modules", []):
                        if isinstance(entry, dict) and entry.get("Key") and entry.get("Dir"):
                            manifest[entry["Key"]] = entry["Dir"]
            except (OSError, ValueError, AttributeError):
                pass
            self._manifests[parent.root_dir] = manifest
        chain = [p for p in parent.prefix.split(".") if p and p != "module"]
        key = ".".join([re.sub(r"\[.*\]$", "", p) for p in chain] + [name])
        found = manifest.get(key)
        if not found:
            return None
        full = os.path.normpath(os.path.join(parent.root_dir, found))
        root = os.path.realpath(parent.root_dir)
        if not os.path.realpath(full).startswith(root + os.sep):
            return None  # never follow a manifest out of the module's own directory
        return full


def _submodule(target: str) -> bool:
    """Whether ``target`` is a path listed in the .gitmodules of its repository."""
    top = repository_root(target)
    try:
        with open(os.path.join(top, ".gitmodules"), encoding="utf-8") as fh:
            listed = re.findall(r"^\s*path\s*=\s*(.+?)\s*$", fh.read(), re.MULTILINE)
    except (OSError, UnicodeDecodeError):
        return False
    rel = os.path.relpath(target, top).replace(os.sep, "/")
    return rel in {p.strip("/") for p in listed}
