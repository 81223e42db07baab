"""The check of rule CL001 (rules/scan.yaml): a file the scan could not read or parse."""

from __future__ import annotations

import re
from collections.abc import Iterator

from cachelint.engine import Context, Hit
from cachelint.model import Location, Source, SourceFile


def file_not_parsed(ctx: Context) -> Iterator[Hit]:
    for error in ctx.inventory.errors:
        line = error.line or 1
        loc = Location(error.path, line, line)
        yield Hit(SourceFile(source=Source(error.path, "file", loc)), None,
                  {"problem": _problem(error), "detail": error.message.rstrip("."),
                   "advice": _advice(error)})


_MODULE_CALL = re.compile(r'module "[^"]*" source ')


def _problem(error) -> str:
    """What could not be done: parse the file, or read a module it calls (the file itself
    parsed, and its own resources were checked)."""
    if _MODULE_CALL.search(error.message):
        return "A module this file calls could not be read"
    return "Cannot parse this file"


def _advice(error) -> str:
    """What to do about a file that could not be read, by its kind (CL001)."""
    message, path = error.message, error.path.lower()
    if message.startswith(("binary file", "not UTF-8")):
        return ("It is not text: remove it, or exclude it from the scan (--extend-exclude "
                f"{error.path})")
    if _MODULE_CALL.search(message):
        return ("Correct the module's source path (or initialise the git submodule it points "
                f"at), or exclude the file from the scan (--extend-exclude {error.path})")
    if message.startswith("file is "):
        return f"Split it, or exclude it from the scan (--extend-exclude {error.path})"
    if path.endswith((".tf", ".tf.json", ".tfvars", ".tfvars.json")):
        return "`terraform validate` points at the error"
    if path.endswith((".yaml", ".yml", ".json", ".template")):
        return "`cfn-lint` or `aws cloudformation validate-template` points at the error"
    return f"Fix it, or exclude it from the scan (--extend-exclude {error.path})"
