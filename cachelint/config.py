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
stores:                    # Redis used as a store or job queue (noeviction is right there)
  - "aws_elasticache_replication_group.jobs"   # a resource address or name (glob)
per_caller:                # responses that depend on the caller: keyed per caller
  - "GET /me"
freshness:                 # how stale a path may be (s): bounds recommended TTLs
  "GET /products/*": 300
non_production:            # sandbox paths: availability/cost/stampede findings: info
  - "**/sandbox/**"        # (default: dev, test, staging, sandbox, examples, samples, demo,
                           #  snippets folders)
baseline: .cachelint-baseline.json   # scan reports only findings not in it (cachelint init)
```
"""

from __future__ import annotations

import fnmatch
import functools
import json
import os
import re
import tomllib
from dataclasses import dataclass, replace
from importlib import resources
from typing import Any

import jsonschema
import yaml

from cachelint.errors import UserError

CONFIG_NAMES = (".cachelint.yaml", ".cachelint.yml")
# Where sandbox code usually lives; production is never matched by default.
# Demos, samples, snippets and test fixtures are not production either.
DEFAULT_NON_PRODUCTION = ("**/dev/**", "**/development/**", "**/test/**", "**/staging/**",
                          "**/sandbox/**", "*dev*.tfvars", "*staging*.tfvars",
                          "**/examples/**", "**/example/**", "**/samples/**", "**/sample/**",
                          "**/demo*/**", "**/snippets/**", "**/test*/**")


class ConfigError(UserError, ValueError):
    usage = True


@dataclass(frozen=True)
class Config:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: str | None = None
    fail_on_empty: bool = False
    strict: bool = False
    exclude: tuple[str, ...] | None = None  # None: the default exclusions
    extend_exclude: tuple[str, ...] = ()
    respect_gitignore: bool = True
    var_files: tuple[str, ...] = ()
    strongly_consistent: tuple[str, ...] = ()
    hot: tuple[str, ...] = ()
    stores: tuple[str, ...] = ()  # ElastiCache caches used as a store or queue
    per_caller: tuple[str, ...] = ()
    per_path_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    severity: tuple[tuple[str, str], ...] = ()
    parameter_overrides: tuple[tuple[str, str], ...] = ()
    thresholds: tuple[tuple[str, float], ...] = ()
    freshness: tuple[tuple[str, float], ...] = ()  # pattern -> longest acceptable TTL (s)
    non_production: tuple[str, ...] = DEFAULT_NON_PRODUCTION
    baseline: str | None = None  # relative to the configuration's folder
    path: str | None = None

    @property
    def base(self) -> str:
        return os.path.dirname(os.path.abspath(self.path)) if self.path else os.getcwd()

    def threshold(self, name: str) -> float:
        """The configured value of a rule's threshold, else the default its rule declares."""
        from cachelint.catalogue import threshold_defaults

        value = dict(self.thresholds).get(name)
        return threshold_defaults()[name] if value is None else value

    def with_thresholds(self, **values: float | None) -> Config:
        """A copy with command-line thresholds over the file's (None: keep the file's)."""
        merged = dict(self.thresholds) | {k: v for k, v in values.items() if v is not None}
        return replace(self, thresholds=tuple(merged.items()))

    def max_ttl(self, *candidates: Any) -> float | None:
        """The declared freshness of a route or path: the smallest bound whose pattern
        matches, or None."""
        bounds = [limit for pattern, limit in self.freshness if matches((pattern,), *candidates)]
        return min(bounds) if bounds else None

    def non_production_pattern(self, relative: str) -> str | None:
        """The first non_production glob that ``relative`` (a path relative to a scanned
        folder, "/"-separated; a folder ends in "/") matches, or None."""
        for pattern in self.non_production:
            if path_glob(pattern).match(relative):
                return pattern
        return None

    def ignored_here(self, path: str) -> tuple[str, ...]:
        """Rule codes ignored for ``path`` by per_path_ignores."""
        rel = os.path.relpath(os.path.abspath(path), self.base).replace(os.sep, "/")
        return tuple(code for pattern, codes in self.per_path_ignores
                     if fnmatch.fnmatchcase(rel, pattern) for code in codes)


@functools.lru_cache(maxsize=1)
def _schema() -> dict:
    text = resources.files("cachelint.schemas").joinpath("config.schema.json").read_text("utf-8")
    return json.loads(text)


def parse_config(data: Any, origin: str) -> Config:
    if data is None:
        return Config(path=origin)
    if not isinstance(data, dict):
        raise ConfigError(f"{origin}: the configuration must be a mapping")
    # pyproject.toml users write kebab-case keys (fail-on, per-path-ignores): same settings.
    data = {k.replace("-", "_") if isinstance(k, str) else k: v for k, v in data.items()}
    known = set(_schema()["properties"])
    unknown = set(data) - known
    if unknown:
        raise ConfigError(f"{origin}: unknown key(s) {', '.join(sorted(map(str, unknown)))} "
                          f"(known: {', '.join(sorted(known))})")
    try:
        error = jsonschema.exceptions.best_match(
            jsonschema.validators.validator_for(_schema())(_schema()).iter_errors(data))
        if error is not None:
            raise error
    except jsonschema.ValidationError as exc:
        where = ".".join(str(p) for p in exc.absolute_path) or "(top)"
        raise ConfigError(f"{origin}: {where}: {exc.message}") from None
    base = os.path.dirname(os.path.abspath(origin))
    from cachelint.catalogue import find_rule

    for code in data.get("severity", {}):
        if find_rule(code) is None:
            raise ConfigError(f"{origin}: severity: no rule {code!r} (`cachelint rules` lists "
                              "them)")
    from cachelint import selectors

    lists = [("select", data.get("select", ())), ("ignore", data.get("ignore", ()))] + [
        (f"per_path_ignores.{pattern}", codes)
        for pattern, codes in data.get("per_path_ignores", {}).items()]
    for key, codes in lists:
        for code in selectors.unknown(codes):
            raise ConfigError(f"{origin}: {key}: {selectors.problem(code)}")

    def strings(key: str) -> tuple[str, ...]:
        return tuple(data.get(key, ()))

    return Config(
        select=strings("select"), ignore=strings("ignore"), fail_on=data.get("fail_on"),
        fail_on_empty=data.get("fail_on_empty", False), strict=data.get("strict", False),
        exclude=tuple(data["exclude"]) if "exclude" in data else None,
        extend_exclude=strings("extend_exclude"),
        respect_gitignore=data.get("respect_gitignore", True),
        var_files=tuple(os.path.join(base, p) for p in strings("var_files")),
        strongly_consistent=strings("strongly_consistent"), hot=strings("hot"),
        stores=strings("stores"),
        per_caller=strings("per_caller"),
        per_path_ignores=tuple((k, tuple(v)) for k, v in data.get("per_path_ignores", {}).items()),
        severity=tuple(data.get("severity", {}).items()),
        parameter_overrides=tuple((k, str(v)) for k, v in
                                  data.get("parameter_overrides", {}).items()),
        thresholds=tuple(data.get("thresholds", {}).items()),
        freshness=tuple((k, float(v)) for k, v in data.get("freshness", {}).items()),
        non_production=tuple(data.get("non_production", DEFAULT_NON_PRODUCTION)),
        baseline=data.get("baseline"),
        path=origin)


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


@functools.lru_cache(maxsize=256)
def path_glob(pattern: str) -> re.Pattern[str]:
    """A path glob as gitignore and .editorconfig read it: ``**/`` is any number of folders
    (none too), ``**`` anything, ``*`` and ``?`` stay within one name; a pattern without ``/``
    matches a name in any folder."""
    if "/" not in pattern.rstrip("/"):
        pattern = "**/" + pattern
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


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
