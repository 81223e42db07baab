"""The files `cachelint init` writes: a commented ``.cachelint.yaml`` that names the caching
layers found, and a baseline of today's findings, so that a team adopting cachelint gates on
new findings from the first day and fixes the old ones at its own pace."""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter

from cachelint import atomic
from cachelint.config import CONFIG_NAMES
from cachelint.errors import UserError
from cachelint.layers import LAYERS
from cachelint.model import Inventory

CONFIG_NAME = CONFIG_NAMES[0]
BASELINE_NAME = ".cachelint-baseline.json"

_LAYERS = {name: (spec.title, spec.rule_prefix) for name, spec in LAYERS.items()}
_KINDS = {"apigateway.stage": "stage", "apigateway.method": "method",
          "apigateway.method-settings": "method settings", "apigateway.http-api": "HTTP API",
          "cloudfront.behavior": "behaviour", "cloudfront.cache-policy": "cache policy",
          "elasticache.cache": "cache", "elasticache.parameter-group": "parameter group",
          "dax.cluster": "cluster", "dax.parameter-group": "parameter group",
          "dynamodb.table": "DynamoDB table"}


class StarterError(UserError, ValueError):
    """A file `init` would write exists (and --force was not given)."""
    usage = True


def detect(inventory: Inventory) -> dict[str, Counter]:
    """Layer -> how many resources of each kind the scan found."""
    found: dict[str, Counter] = {}
    for res in inventory.resources:
        layer = getattr(res.layer, "value", None)
        if layer in _LAYERS and res.kind in _KINDS:
            found.setdefault(layer, Counter())[_KINDS[res.kind]] += 1
    return found


def _plural(noun: str, n: int) -> str:
    if n == 1 or noun.endswith("settings"):
        return f"{n} {noun}"
    return f"{n} {noun[:-1]}ies" if noun.endswith("y") and noun[-2] not in "aeiou" \
        else f"{n} {noun}s"


def render(path: str, layers: dict[str, Counter], baseline: str | None, findings: int) -> str:
    """The commented configuration."""
    where = "this folder" if os.path.abspath(path) == os.getcwd() else path
    lines = [f"# cachelint configuration, written by `cachelint init` on "
             f"{dt.date.today().isoformat()}.",
             "# Every key is optional; `cachelint explain CODE` describes a rule, "
             "`cachelint rules` lists them.", "#"]
    if layers:
        lines.append(f"# Caching layers found in {where}:")
        for layer, counts in sorted(layers.items(), key=lambda kv: list(_LAYERS).index(kv[0])):
            title, prefix = _LAYERS[layer]
            detail = ", ".join(_plural(k, n) for k, n in sorted(counts.items()))
            lines.append(f"#   {title + ':':<13} {detail}  (rules {prefix}xx)")
        missing = [_LAYERS[x][0] for x in _LAYERS if x not in layers]
        if missing:
            lines.append(f"# Not found: {', '.join(missing)} (their rules run and find nothing "
                         "until one is added).")
    else:
        lines.append(f"# No caching layer found in {where} yet; every rule runs.")
    lines.append("")
    if baseline:
        lines += [f"# The {findings} finding{'s' if findings != 1 else ''} of "
                  f"{dt.date.today().isoformat()}: `cachelint scan` reports and fails only on "
                  "new ones.",
                  f"# Refresh: `cachelint baseline create {path} -o {baseline}`. Delete this "
                  "line to see them all.",
                  f"baseline: {baseline}", ""]
    prefixes = [_LAYERS[x][1] for x in _LAYERS if x in layers] + ["CL0", "CL5"]
    lines += [
        "# Fail on findings of this severity and above: critical, high, medium, low, info.",
        "fail_on: low", "",
        "# Rules to run or skip, by id, id prefix or name (default: all).",
        f"# select: [{', '.join(sorted(prefixes))}]",
        "# ignore: [CL102, api-cache-unencrypted]", "",
        "# Routes that must never be served stale (METHOD /path globs, CloudFront path patterns",
        "# or resource names): no layer may cache them.",
        "strongly_consistent: []  # e.g. [\"GET /accounts/*\", \"/checkout/*\"]", "",
        "# Hot read paths: evidence for the uncached-hot-read rules (or measure: --traffic, "
        "--aws).",
        "hot: []  # e.g. [\"GET /products\"]", "",
        "# Responses that depend on the caller: a cache must key them on the caller's identity.",
        "per_caller: []  # e.g. [\"GET /me\"]", "",
        "# How stale a route may be, in seconds: bounds the TTLs `recommend` and `traffic` "
        "propose.",
        "freshness: {}  # e.g. {\"GET /products/*\": 300}", ""]
    return "\n".join(lines)


def targets(path: str, baseline: bool) -> list[str]:
    out = [os.path.join(path, CONFIG_NAME)]
    if baseline:
        out.append(os.path.join(path, BASELINE_NAME))
    return out


def check_free(path: str, baseline: bool, force: bool) -> None:
    """Refuse before writing anything if a file would be replaced, or if the folder is
    already configured elsewhere (another name, or pyproject.toml) without --force."""
    if force:
        return
    existing = [p for p in targets(path, baseline) if os.path.exists(p)]
    existing += [os.path.join(path, n) for n in CONFIG_NAMES[1:]
                 if os.path.exists(os.path.join(path, n))]
    pyproject = os.path.join(path, "pyproject.toml")
    if os.path.isfile(pyproject):
        import tomllib

        try:
            with open(pyproject, "rb") as fh:
                if "cachelint" in tomllib.load(fh).get("tool", {}):
                    existing.append(f"{pyproject} [tool.cachelint]")
        except (OSError, tomllib.TOMLDecodeError):
            pass
    if existing:
        raise StarterError(f"{existing[0]} exists; pass --force to replace it")


def write(path: str, text: str) -> None:
    atomic.write_text(path, text)
