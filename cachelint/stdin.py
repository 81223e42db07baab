"""``cachelint scan -``: one template or ``.tf`` file read from standard input, as editors and
ruff pass a buffer that is not saved.

The text is written to a private temporary folder under the name ``--stdin-filename`` gives
(so the loaders recognise it by its name, and a ``.tf`` file is evaluated with the variables
and locals of the other Terraform files beside the real one, which are copied next to it);
the report then names the file as the user did. Nothing is written into the user's tree.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import replace

from cachelint.findings import Report, ScanError

_TERRAFORM = (".tf", ".tf.json", ".tfvars", ".tfvars.json")
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
        self.origin = os.path.dirname(filename) if filename else None
        if filename and os.path.isdir(self.origin or "."):
            origin = self.origin or "."
            for sibling in sorted(os.listdir(origin)):
                source = os.path.join(origin, sibling)
                if (sibling != name and sibling.endswith(_TERRAFORM) and name.endswith(_TERRAFORM)
                        and os.path.isfile(source)):
                    shutil.copyfile(source, os.path.join(self.folder, sibling))
        with open(self.path, "w", encoding="utf-8") as fh:
            fh.write(text)
        from cachelint.reporters.source import remember

        remember(self.display, text)

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def _name(self, path: str) -> str:
        full = os.path.realpath(path)
        if full == self.path:
            return self.display
        if full.startswith(self.folder + os.sep):
            rest = full[len(self.folder) + 1:]
            return os.path.join(self.origin, rest) if self.origin else rest
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
        report.errors = [ScanError(self._name(e.path), self._text(e.message))
                         for e in report.errors]
        report.evaluations = {
            rule: {(self._name(path), address): self._loc(loc)
                   for (path, address), loc in checked.items()}
            for rule, checked in report.evaluations.items()}
        report.notes = [self._text(n) for n in report.notes]
        return report
