"""Which files a scan reads, as ruff decides: every folder under the given paths, hidden ones
too (``.deploy/terraform`` is real infrastructure), except folders and files excluded by name
or glob (``--exclude``, ``--extend-exclude``, their configuration keys) and what ``.gitignore``
ignores (unless ``--no-respect-gitignore``). A file named on the command line is always read.

Templates of infrastructure (``main.tf.j2``, ``stack.yaml.tmpl``, cookiecutter's
``{{cookiecutter.name}}`` folders, files with Jinja or Go template syntax) are not scanned:
they are counted and listed in one note, never reported as files that failed to parse."""

from __future__ import annotations

import fnmatch
import functools
import os
import re
from dataclasses import dataclass, field

from cachelint.loaders import gitignore

# Folders never scanned unless --exclude replaces this list: version control, tool caches and
# build output. `.terraform` holds installed modules, still read through modules.json.
DEFAULT_EXCLUDE = (".git", ".hg", ".svn", ".bzr", ".terraform", ".terragrunt-cache", ".aws-sam",
                   ".serverless", "node_modules", ".venv", "venv", "__pycache__", ".tox",
                   ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".direnv")
TEMPLATE_SUFFIXES = (".tmpl", ".tpl", ".j2", ".jinja", ".jinja2", ".gotmpl")
INFRA_SUFFIXES = (".tf", ".tf.json", ".tfvars", ".hcl", ".yaml", ".yml", ".json", ".template")
# Jinja ({% %}, {# #}, {{ name }}), Go templates ({{ .Values.x }}, {{- if }}), cookiecutter.
# CloudFormation's own dynamic references ({{resolve:ssm:...}}) are not template syntax.
_TEMPLATE_SYNTAX = re.compile(r"\{%|\{#|\{\{-|\{\{\s*(?!resolve:)[.\w][\w.\-]*\s*(\|[^}]*)?-?\}\}")


@dataclass(frozen=True)
class PathFilter:
    """Exclusions: globs without ``/`` match a file or folder name anywhere; globs with ``/``
    match the path relative to ``base`` (the configuration file's folder, or the working
    directory for command-line globs)."""

    exclude: tuple[tuple[str, str], ...] = tuple((p, "") for p in DEFAULT_EXCLUDE)
    respect_gitignore: bool = True

    @classmethod
    def build(cls, exclude: tuple[str, ...] | None = None, extend_exclude: tuple[str, ...] = (),
              config_exclude: tuple[str, ...] | None = None,
              config_extend: tuple[str, ...] = (), config_base: str = "",
              respect_gitignore: bool = True) -> PathFilter:
        cwd = os.getcwd()
        if exclude is not None:
            base = tuple((p, cwd) for p in exclude)
        elif config_exclude is not None:
            base = tuple((p, config_base) for p in config_exclude)
        else:
            base = tuple((p, "") for p in DEFAULT_EXCLUDE)
        extra = tuple((p, config_base) for p in config_extend) + tuple(
            (p, cwd) for p in extend_exclude)
        return cls(base + extra, respect_gitignore)

    @functools.cached_property
    def _names(self) -> re.Pattern | None:
        """Every glob without ``/`` as one regex over a name."""
        globs = [p.rstrip("/") for p, _ in self.exclude if "/" not in p.rstrip("/")]
        return re.compile("|".join(fnmatch.translate(g) for g in globs)) if globs else None

    def excluded(self, path: str) -> bool:
        """Whether a glob excludes ``path`` itself (not its folders: the walk stops there)."""
        name = os.path.basename(path.rstrip(os.sep))
        if self._names is not None and self._names.match(name):
            return True
        for pattern, base in self.exclude:
            pattern = pattern.rstrip("/")
            if "/" not in pattern:
                continue
            rel = os.path.relpath(path, base or os.getcwd()).replace(os.sep, "/")
            if not rel.startswith("..") and (fnmatch.fnmatchcase(rel, pattern.lstrip("./"))
                                             or fnmatch.fnmatchcase(rel, pattern)):
                return True
        return False


def is_template_name(name: str) -> bool:
    """``main.tf.j2``, ``stack.yaml.tmpl``: a template of an infrastructure file."""
    lower = name.lower()
    for suffix in TEMPLATE_SUFFIXES:
        if lower.endswith(suffix):
            return lower[: -len(suffix)].endswith(INFRA_SUFFIXES)
    return False


def is_template_folder(name: str) -> bool:
    """A folder whose name is itself a template: cookiecutter's ``{{cookiecutter.name}}``."""
    return "{{" in name and "}}" in name


def has_template_syntax(path: str) -> bool:
    """Whether a file that failed to parse holds Jinja or Go template syntax."""
    try:
        with open(path, "rb") as fh:
            text = fh.read(1024 * 1024).decode("utf-8", "replace")
    except OSError:
        return False
    return _TEMPLATE_SYNTAX.search(text) is not None


@dataclass
class Walk:
    """What one walk over the scanned paths found."""

    files: list[str] = field(default_factory=list)  # every regular file kept, in walk order
    folders: list[str] = field(default_factory=list)  # every folder walked
    templates: list[str] = field(default_factory=list)  # template files, not scanned
    unlisted: list[tuple[str, str]] = field(default_factory=list)  # (folder, why)
    path_filter: PathFilter = field(default_factory=PathFilter)
    kept: set = field(default_factory=set)  # absolute paths of `files`
    walked: set = field(default_factory=set)  # absolute paths of `folders`

    def keeps(self, path: str) -> bool:
        """Whether a file is read: in a walked folder, only if the walk kept it; elsewhere (a
        module called from the scan, an installed module), unless a glob excludes it."""
        full = os.path.abspath(path)
        if os.path.dirname(full) in self.walked:
            return full in self.kept
        return not self.path_filter.excluded(full)


def walk(paths: list[str], path_filter: PathFilter | None = None) -> Walk:
    """Walk ``paths`` once; a scan passes the result to the Terraform and CloudFormation
    loaders, so both read the same files."""
    path_filter = path_filter or PathFilter()
    found = Walk(path_filter=path_filter)
    for p in paths:
        if os.path.isfile(p):
            found.files.append(p)  # named on the command line: always read
            continue
        _walk_folder(os.path.abspath(p), path_filter, found)
    found.kept = {os.path.abspath(f) for f in found.files}
    found.walked = {os.path.abspath(d) for d in found.folders}
    return found


def _walk_folder(top: str, path_filter: PathFilter, found: Walk) -> None:
    # .gitignore files from the repository root down to `top`, then those met on the way.
    inherited: list = []
    if path_filter.respect_gitignore:
        chain = []
        probe = os.path.abspath(top)
        while True:
            chain.append(probe)
            if os.path.exists(os.path.join(probe, ".git")):
                break
            parent = os.path.dirname(probe)
            if parent == probe:
                chain = [os.path.abspath(top)]  # not in a repository: only the scanned tree
                break
            probe = parent
        for folder in reversed(chain[1:]):
            inherited += gitignore.read(folder)
    rules: dict[str, list] = {}

    def unlisted(exc: OSError) -> None:
        found.unlisted.append((exc.filename or "?", exc.strerror or str(exc)))

    for current, subdirs, files in os.walk(top, onerror=unlisted):
        parent_rules = rules.get(os.path.dirname(current), inherited)
        here = parent_rules + gitignore.read(current) if path_filter.respect_gitignore else []
        rules[current] = here
        found.folders.append(current)
        kept = []
        for d in sorted(subdirs):
            full = os.path.join(current, d)
            if path_filter.excluded(full) or (here and gitignore.ignored(here, full, True)):
                continue
            if is_template_folder(d):
                found.templates += _infra_files(full)
                continue
            kept.append(d)
        subdirs[:] = kept
        for name in sorted(files):
            full = os.path.join(current, name)
            if path_filter.excluded(full) or (here and gitignore.ignored(here, full, False)):
                continue
            if is_template_name(name):
                found.templates.append(full)
                continue
            found.files.append(full)


def _infra_files(folder: str) -> list[str]:
    """The infrastructure-looking files of a template folder (counted, never parsed)."""
    out = []
    for current, _, files in os.walk(folder):
        out += [os.path.join(current, f) for f in sorted(files)
                if f.lower().endswith(INFRA_SUFFIXES) or is_template_name(f)]
    return out


def templates_note(templates: list[str], display) -> str | None:
    """One line for every template found: not scanned, by design."""
    if not templates:
        return None
    names = [display(p) for p in sorted(set(templates))]
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    return (f"{len(names)} template file{'s' if len(names) != 1 else ''} (Jinja, Go templates, "
            f"cookiecutter) not scanned: {shown}")
