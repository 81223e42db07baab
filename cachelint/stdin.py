"""``cachelint scan -``: one template or ``.tf`` file read from standard input, as editors and
ruff pass a buffer that is not saved.

The text is written to a private temporary folder under the name ``--stdin-filename`` gives,
so the loaders recognise it by its name. A ``.tf`` buffer is evaluated as the file on disk would
be: the Terraform files of its repository (variables, locals, the local modules it calls, with
``./`` or ``../`` sources) are copied around it in the same layout, and only its own findings
are reported. The report then names every file as the user knows it. Nothing is written into
the user's tree.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import replace

from cachelint.errors import FileError
from cachelint.findings import Report

_TERRAFORM = (".tf", ".tf.json", ".tfvars", ".tfvars.json")
_SKIP = {"node_modules", "__pycache__", "cdk.out"}  # dot folders are skipped too
_TEMPLATE = re.compile(r"^\s*\"?(AWSTemplateFormatVersion|Resources|Transform)\"?\s*:", re.M)


def default_name(text: str) -> str:
    """A file name for unnamed input: a CloudFormation template by its top-level keys, else
    Terraform."""
    if _TEMPLATE.search(text):
        return "stdin.json" if text.lstrip().startswith("{") else "stdin.yaml"
    return "stdin.tf"


class StdinFile:
    """Standard input materialised as a file; ``display`` is the name reports use."""

    def __init__(self, text: str, filename: str | None):
        self.display = filename or "-"
        name = os.path.basename(filename) if filename else default_name(text)
        self.folder = os.path.realpath(tempfile.mkdtemp(prefix="cachelint-stdin-"))
        self.path = os.path.join(self.folder, name)
        self.root: str | None = None  # the real repository the temporary tree mirrors
        origin = os.path.dirname(os.path.abspath(filename)) if filename else ""
        if filename and name.endswith(_TERRAFORM) and os.path.isdir(origin):
            from cachelint.files import repository_root

            self.root = repository_root(origin)
            self._mirror(self.root, skip=os.path.join(origin, name))
            # The mirror is a repository as the original is: module sources may reach "../".
            os.makedirs(os.path.join(self.folder, ".git"), exist_ok=True)
            self.path = os.path.join(self.folder, os.path.relpath(origin, self.root), name)
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
        with open(self.path, "w", encoding="utf-8") as fh:
            fh.write(text)
        from cachelint.reporters.source import remember

        remember(self.display, text)

    def _mirror(self, root: str, skip: str) -> None:
        """Copy the Terraform files under ``root`` into the temporary folder, same layout."""
        for current, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIP)
            for f in files:
                source = os.path.join(current, f)
                if f.endswith(_TERRAFORM) and source != skip and os.path.isfile(source):
                    target = os.path.join(self.folder, os.path.relpath(source, root))
                    os.makedirs(os.path.dirname(target), exist_ok=True)
                    shutil.copyfile(source, target)

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def _name(self, path: str) -> str:
        full = os.path.realpath(path)
        if full == self.path:
            return self.display
        if full.startswith(self.folder + os.sep) and self.root:
            real = os.path.join(self.root, os.path.relpath(full, self.folder))
            shown = os.path.relpath(real)
            return real if shown.startswith("..") else shown  # as the loaders show paths
        return path

    def _text(self, text: str) -> str:
        for shown in {self.path, os.path.relpath(self.path)}:
            text = text.replace(shown, self.display)
        return text

    def _loc(self, loc):
        return None if loc is None else replace(loc, path=self._name(loc.path))

    def restore(self, report: Report) -> Report:
        """The report with the temporary paths replaced by the names the user gave."""
        def finding(f):
            return replace(f, location=self._loc(f.location), message=self._text(f.message),
                           resource_location=self._loc(f.resource_location))

        report.findings = [finding(f) for f in report.findings]
        report.suppressed = [finding(f) for f in report.suppressed]
        report.errors = [FileError(self._name(e.path), self._text(e.message))
                         for e in report.errors]
        report.evaluations = {
            rule: {(self._name(path), address): self._loc(loc)
                   for (path, address), loc in checked.items()}
            for rule, checked in report.evaluations.items()}
        report.notes = [self._text(n) for n in report.notes]
        return report
