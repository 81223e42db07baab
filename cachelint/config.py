"""User configuration: ``.cachelint.yaml`` or ``[tool.cachelint]`` in ``pyproject.toml``.

```yaml
select: [CL1]              # rule ids or prefixes (default: all)
ignore: [CL102]
fail_on: medium
var_files: [envs/prod.tfvars]
strongly_consistent:       # never cache these, at any layer
  - "GET /accounts/*"      # an API method (METHOD /path, glob)
  - "/checkout/*"          # a CloudFront path pattern
  - "aws_dynamodb_table.ledger"   # a resource address or name (glob)
hot:                       # hot read paths: evidence for uncached-hot-read rules
  - "GET /products/*"
```
"""

from __future__ import annotations

import fnmatch
import os
import tomllib
from dataclasses import dataclass
from typing import Any

import yaml

CONFIG_NAMES = (".cachelint.yaml", ".cachelint.yml")
_KEYS = {"select", "ignore", "fail_on", "var_files", "strongly_consistent", "hot"}


class ConfigError(ValueError):
    pass


@dataclass(frozen=True)
class Config:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: str | None = None
    var_files: tuple[str, ...] = ()
    strongly_consistent: tuple[str, ...] = ()
    hot: tuple[str, ...] = ()
    path: str | None = None


def _strings(data: dict, key: str, origin: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{origin}: '{key}' must be a list of strings")
    return tuple(value)


def parse_config(data: Any, origin: str) -> Config:
    if data is None:
        return Config(path=origin)
    if not isinstance(data, dict):
        raise ConfigError(f"{origin}: the configuration must be a mapping")
    unknown = set(data) - _KEYS
    if unknown:
        raise ConfigError(f"{origin}: unknown key(s) {', '.join(sorted(unknown))} "
                          f"(known: {', '.join(sorted(_KEYS))})")
    fail_on = data.get("fail_on")
    if fail_on is not None and not isinstance(fail_on, str):
        raise ConfigError(f"{origin}: 'fail_on' must be a severity name")
    base = os.path.dirname(os.path.abspath(origin))
    return Config(
        select=_strings(data, "select", origin), ignore=_strings(data, "ignore", origin),
        fail_on=fail_on,
        var_files=tuple(os.path.join(base, p) for p in _strings(data, "var_files", origin)),
        strongly_consistent=_strings(data, "strongly_consistent", origin),
        hot=_strings(data, "hot", origin), path=origin)


def load_config(explicit: str | None, start: str) -> Config:
    """The explicit file, else the first config found from ``start`` upwards."""
    if explicit:
        return _read(explicit)
    current = os.path.abspath(start if os.path.isdir(start) else os.path.dirname(start) or ".")
    while True:
        for name in CONFIG_NAMES:
            candidate = os.path.join(current, name)
            if os.path.isfile(candidate):
                return _read(candidate)
        pyproject = os.path.join(current, "pyproject.toml")
        if os.path.isfile(pyproject):
            try:
                with open(pyproject, "rb") as fh:
                    data = tomllib.load(fh)
            except (tomllib.TOMLDecodeError, OSError) as exc:
                raise ConfigError(f"{pyproject}: {exc}") from None
            section = data.get("tool", {}).get("cachelint")
            if section is not None:
                return parse_config(section, pyproject)
        parent = os.path.dirname(current)
        if parent == current or os.path.isdir(os.path.join(current, ".git")):
            return Config()
        current = parent


def _read(path: str) -> Config:
    try:
        with open(path, encoding="utf-8") as fh:
            if path.endswith(".toml"):
                data = tomllib.loads(fh.read()).get("tool", {}).get("cachelint")
            else:
                data = yaml.safe_load(fh)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except (OSError, yaml.YAMLError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc}".splitlines()[0]) from None
    return parse_config(data, path)


def matches(patterns: tuple[str, ...], *candidates: Any) -> bool:
    """Whether any string candidate matches any glob pattern (case-sensitive, like paths).
    A pattern ending in ``/*`` also matches the path itself: ``GET /accounts/*`` covers
    ``GET /accounts``."""
    for cand in candidates:
        if not isinstance(cand, str) or not cand:
            continue
        for pat in patterns:
            if fnmatch.fnmatchcase(cand, pat) or (
                    pat.endswith("/*") and fnmatch.fnmatchcase(cand, pat[:-2])):
                return True
    return False
