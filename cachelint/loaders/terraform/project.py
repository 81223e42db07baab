"""Find Terraform modules under a path, parse them and evaluate the resources cachelint reads."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from collections.abc import Iterable
from typing import Any

from cachelint.errors import FileError
from cachelint.files import internal_error, read_text
from cachelint.loaders.discovery import Walk, has_template_syntax, walk
from cachelint.loaders.terraform.evaluate import evaluate
from cachelint.loaders.terraform.files import is_terraform_file, parse_file, parse_worker
from cachelint.loaders.terraform.hcl import HclSyntaxError
from cachelint.loaders.terraform.module import (
    MAX_MODULE_DEPTH, ModuleInstance, SourceSpan, TfResource, evaluate_body, module_source_dir,
)
from cachelint.loaders import pool
from cachelint.loaders.terraform.parsecache import ParseCache
from cachelint.loaders.terraform.prefilter import Facts, listdir, read_head, size
from cachelint.loaders.terraform.sources import ModuleSources
from cachelint.loaders.terraform.syntax import ConfigFile
from cachelint.loaders.terraform.tfjson import JsonSyntaxError
from cachelint.suppressions import parse_comment
from cachelint.values import UNKNOWN

_META_ARGS = {"source", "version", "count", "for_each", "providers", "depends_on"}


@dataclass
class TerraformResult:
    resources: list[TfResource] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    files: int = 0
    directives: list = field(default_factory=list)
    alone_roots: set[str] = field(default_factory=set)  # called module folders checked alone
    templates: list[str] = field(default_factory=list)  # files with template syntax, not scanned
    undeclared_vars: list[str] = field(default_factory=list)  # --var names no root declares


class TerraformProject:
    """All Terraform modules under one scan root."""

    def __init__(self, root: str, relevant_types: set[str], var_files: Iterable[str] = (),
                 variables: dict[str, str] | None = None, display_base: str | None = None,
                 cache_dir: str | None = None, prefilter: bool = True, jobs: int | None = None,
                 found: Walk | None = None, code_env: frozenset = frozenset()):
        self.root = os.path.abspath(root)
        self.walk = found  # what discovery found (None: walk the paths given to load)
        self.display_base = os.path.abspath(display_base or os.getcwd())
        self.relevant = relevant_types
        # The environment variables the scanned application code reads: functions and tasks
        # that mention one of them matter (none: no code to link, nothing more is read).
        self.code_env = code_env
        self.var_files = list(var_files)
        self.cli_vars = variables or {}
        self.result = TerraformResult()
        self._dirs: dict[str, list[ConfigFile]] = {}
        self._directive_paths: set[str] = set()
        self._legacy: set[str] = set()  # files read as Terraform 0.11 syntax (noted once)
        self.cache_dir = cache_dir
        self.cache = ParseCache(cache_dir) if cache_dir else None
        self.prefilter = prefilter
        self.jobs = jobs if jobs is not None else (os.cpu_count() or 1)
        self._needed: dict[str, bool] = {}
        self._deferred: dict[str, list[str]] = {}
        self._facts_cache: dict[str, dict[str, Facts]] = {}
        self.boundaries: list[str] = [os.path.realpath(self.root)]
        self._parsed: dict[str, object] = {}  # path -> ConfigFile or FileError (pre-parsed)
        self.pooled = 0  # files parsed in the process pool (0: everything parsed serially)
        self._texts: dict[str, Any] = {}  # files read by file(), by path
        self.sources = ModuleSources(self)

    def display(self, path: str) -> str:
        rel = os.path.relpath(path, self.display_base)
        return path if rel.startswith("..") else rel

    # --- discovery ----------------------------------------------------------------------------

    def module_dirs(self, paths: list[str]) -> list[str]:
        if self.walk is None:
            self.walk = walk(paths)
        dirs: set[str] = {os.path.dirname(os.path.abspath(p)) for p in paths
                          if os.path.isfile(p)}
        dirs |= {os.path.dirname(os.path.abspath(f)) for f in self.walk.files
                 if is_terraform_file(os.path.basename(f))}
        # A folder the walk cannot list (permissions): reported once, for every loader.
        for name, why in self.walk.unlisted:
            self.result.errors.append(FileError(self.display(name),
                                                f"cannot list this folder: {why}"))
        return sorted(dirs)

    def terraform_files(self, directory: str) -> list[str]:
        """The Terraform files of a folder that the scan reads (see discovery.Walk.keeps)."""
        return [os.path.join(directory, n) for n in sorted(listdir(directory))
                if is_terraform_file(n) and (self.walk is None
                                             or self.walk.keeps(os.path.join(directory, n)))]

    def files_of(self, directory: str) -> list[ConfigFile]:
        """The parsed files of a module folder. In a folder the prefilter keeps, files that
        declare only resources of unchecked types (and no variable, local, output, module, data
        source or cachelint comment) are deferred: parsed only if an expression refers to one
        of their resources (see load_deferred)."""
        if directory in self._dirs:
            return self._dirs[directory]
        parsed: list[ConfigFile] = []
        try:
            os.listdir(directory)
        except OSError as exc:
            self.result.errors.append(FileError(self.display(directory), exc.strerror or str(exc)))
        paths = [p for p in self.terraform_files(directory) if self._readable(p)]
        deferred = []
        if self.prefilter and self.needed(directory):
            facts = self._facts(directory)
            dax = any(f.dax for f in facts.values())
            deferred = [p for p in paths if p in facts and not facts[p].matters(dax)]
        self._deferred[directory] = deferred
        for full in paths:
            self.result.files += 1
            if full not in deferred:
                self._parse_into(full, parsed)
        self._dirs[directory] = parsed
        return parsed

    def _readable(self, full: str) -> bool:
        """A regular file inside the repository; links that dangle, loop or lead out of it are
        reported (one line each) and not followed; FIFOs and devices are never opened."""
        if os.path.islink(full):
            real = os.path.realpath(full)
            problem = None
            if not os.path.exists(real):
                problem = "symbolic link to a missing file (or a link loop); not followed"
            elif not self.within(real):
                problem = f"symbolic link to {real}, outside the scanned repository; not followed"
            if problem:
                error = FileError(self.display(full), problem)
                if error not in self.result.errors:
                    self.result.errors.append(error)
                return False
        return os.path.isfile(full)

    def read_file(self, path: str) -> Any:
        """The text of a file that an expression reads (``file()``), if it is in the scanned
        repositories; UNKNOWN otherwise (missing, too large, binary, or elsewhere: it may exist
        where Terraform runs, so it is not an error)."""
        full = os.path.normpath(path)
        if full not in self._texts:
            text: Any = UNKNOWN
            if self.within(full) and os.path.isfile(full):
                try:
                    text = read_text(full)
                except (OSError, ValueError):
                    text = UNKNOWN
            self._texts[full] = text
        return self._texts[full]

    def within(self, path: str) -> bool:
        real = os.path.realpath(path)
        return any(real == b or real.startswith(b.rstrip(os.sep) + os.sep)
                   for b in self.boundaries)

    def _parse_into(self, full: str, parsed: list[ConfigFile]) -> None:
        try:
            parsed.append(self._parse(full))
        except (HclSyntaxError, JsonSyntaxError) as exc:
            self._syntax_error(full, FileError(self.display(full), str(exc)))
        except (ValueError, OSError) as exc:
            message = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            self.result.errors.append(FileError(self.display(full), message))
        except RecursionError:
            self.result.errors.append(FileError(self.display(full), "nesting too deep to parse"))
        except _PreParsedError as exc:
            self._syntax_error(full, exc.error)

    def _syntax_error(self, full: str, error: FileError) -> None:
        """A file that does not parse: a template (Jinja, Go) is listed as not scanned; any
        other is an error."""
        if error.message.startswith(("binary file", "not UTF-8", "file is ")) or \
                not has_template_syntax(full):
            self.result.errors.append(error)
        elif error.path not in self.result.templates:
            self.result.templates.append(error.path)
            self.result.files -= 1  # counted as scanned when listed; it was not

    def load_deferred(self, directory: str, rtype: str, name: str) -> None:
        """Parse the deferred files of a folder that may declare ``rtype.name`` (a reference to
        it is being evaluated), adding them to the folder's files."""
        pending = self._deferred.get(directory) or []
        facts = self._facts(directory)
        wanted = [p for p in pending if p in facts and (rtype, name) in facts[p].declares]
        for path in wanted:
            pending.remove(path)
            self._parse_into(path, self._dirs.setdefault(directory, []))

    def duplicate(self, path: str, block, what: str, first_path: str, first_line: int) -> None:
        error = FileError(path, f"line {block.line}: duplicate {what}; the first one, at "
                                f"{first_path}:{first_line}, is the one scanned")
        if error not in self.result.errors:
            self.result.errors.append(error)

    def _parse(self, path: str) -> ConfigFile:
        early = self._parsed.pop(path, None)
        if isinstance(early, FileError):
            raise _PreParsedError(early)
        parsed = early if early is not None else parse_file(path, self.display(path), self.cache)
        if parsed.dialect == "hcl1" and path not in self._legacy:
            self._legacy.add(path)
            self.result.notes.append(
                f"{parsed.path}: written in Terraform 0.11 syntax (HCL1); read in compatibility "
                "mode, so its lines are located by text and may be approximate")
        if parsed.path not in self._directive_paths:
            self._directive_paths.add(parsed.path)
            for comment in parsed.comments:
                if "cachelint" in comment.text.lower():
                    directive = parse_comment(parsed.path, comment.line, comment.text)
                    if directive is not None:
                        self.result.directives.append(directive)
        return parsed

    # --- evaluation ---------------------------------------------------------------------------

    # --- prefilter: which folders can hold what cachelint checks -----------------------------

    def _facts(self, directory: str) -> dict[str, Facts]:
        """Path -> what the prefilter needs to know of each Terraform file of a folder, read
        from its raw text once; only these facts are kept, not the text."""
        if directory in self._facts_cache:
            return self._facts_cache[directory]
        facts = {}
        for full in self.terraform_files(directory):
            if os.path.isfile(full):
                facts[full] = Facts.of(read_head(full), full.endswith(".json"), size(full),
                                       self.code_env)
            elif os.path.islink(full):
                # A link that dangles or loops cannot be read: the folder is loaded, so that
                # _readable reports it, as it reports a binary file.
                facts[full] = Facts.of(None, False, 0)
        self._facts_cache[directory] = facts
        return facts

    def _local_calls(self, directory: str) -> set[str]:
        return {os.path.normpath(os.path.join(directory, source))
                for facts in self._facts(directory).values() for source in facts.local_sources}

    def needed(self, directory: str) -> bool:
        """Whether a module folder (or a local module it calls) mentions a resource type
        cachelint checks. Decided on raw text, before parsing; exact, because a folder that
        mentions none and calls none cannot produce a finding (its outputs are still parsed
        on demand when a needed module uses them)."""
        if not self.prefilter:
            return True
        if directory in self._needed:
            return self._needed[directory]
        self._needed[directory] = False  # cycles
        facts = list(self._facts(directory).values())
        found = any(f.relevant or f.oversize or f.broken or f.compute for f in facts)
        if not found and any(f.module_block for f in facts):
            # Registry modules installed by `terraform init` are checked when they are expanded.
            found = any(f.remote_source for f in facts) or any(
                self.needed(target) for target in self._local_calls(directory))
        self._needed[directory] = found
        return found

    def _preparse(self, dirs: list[str]) -> None:
        """Parse the files of the needed folders (and the local modules they call) in a process
        pool: the same parse, in parallel, so results are identical to a serial run."""
        todo: list[str] = []
        seen: set[str] = set()
        stack = list(dirs)
        while stack:
            d = stack.pop()
            if d in seen or d in self._dirs:
                continue
            seen.add(d)
            paths = [p for p in self.terraform_files(d) if os.path.isfile(p)]
            facts = self._facts(d)
            dax = any(f.dax for f in facts.values())
            todo += [p for p in paths if p not in facts or facts[p].matters(dax)]
            stack.extend(t for t in self._local_calls(d) if self.needed(t))
        if not pool.worth_a_pool(self.jobs, len(todo), sum(size(p) for p in todo)):
            return
        jobs = [(path, self.display(path), self.cache_dir) for path in todo]
        try:
            for path, outcome in pool.parse_all(parse_worker, jobs, self.jobs):
                self._parsed[path] = outcome
            self.pooled = len(self._parsed)
        except pool.PoolUnavailable:
            self._parsed.clear()  # no pool here: parse serially instead

    def load(self, paths: list[str]) -> TerraformResult:
        # Module sources and links may lead anywhere inside the repositories being scanned
        # (examples call "../../"), never out of them.
        self.sources.start(paths)
        self.boundaries = sorted(set(self.sources.repositories) |
                                 {os.path.realpath(p) for p in paths})
        all_dirs = self.module_dirs(paths)
        dirs = [d for d in all_dirs if self.needed(d)]
        self._preparse(dirs)
        called: set[str] = set()
        for d in dirs:
            for f in self.files_of(d):
                for block in f.body.blocks:
                    if block.type == "module" and "source" in block.body.attributes:
                        src = evaluate(block.body.attributes["source"].expr, _NoNames())
                        target = module_source_dir(d, src)
                        if target and target != d:
                            called.add(target)
        for d in dirs:
            # A module called from elsewhere in the scan is evaluated through its callers, with
            # their inputs, and also alone with its own defaults, as checkov and tflint check a
            # module: a default is what every caller that omits the argument deploys. The same
            # defect seen both ways is one finding (engine.run merges them by location).
            inputs, origins = ({}, {}) if d in called else self._root_inputs(d)
            if d in called:
                self.result.alone_roots.add(self.display(d))
            root = ModuleInstance(self, d, self.files_of(d), "", inputs, origins, 0)
            try:
                self._collect(root)
                self._collect_switched_off(root, inputs)
            except Exception as exc:  # noqa: BLE001 - one module must not stop the scan
                self.result.errors.append(FileError(self.display(d), internal_error(exc)))
        # Files the prefilter skipped were read (as text) and count as scanned.
        skipped = sum(len(self._facts(d)) for d in all_dirs if d not in self._dirs)
        self.result.files += skipped
        self.result.undeclared_vars = self.undeclared_vars(all_dirs)
        return self.result

    def undeclared_vars(self, all_dirs: list[str]) -> list[str]:
        """The --var names that no root module of the scan declares (Terraform refuses them:
        "Value for undeclared variable"); read from the prefilter's facts, so folders it
        skips count too."""
        if not self.cli_vars:
            return []
        called = {t for d in all_dirs for t in self._local_calls(d)}
        roots = [d for d in all_dirs if d not in called] or all_dirs
        declared = {name for d in roots for facts in self._facts(d).values()
                    for name in facts.variables}
        return sorted(set(self.cli_vars) - declared)

    def _root_inputs(self, directory: str) -> tuple[dict[str, Any], dict[str, SourceSpan]]:
        inputs: dict[str, Any] = {}
        origins: dict[str, SourceSpan] = {}
        auto = []
        for name in sorted(os.listdir(directory)):
            if name in ("terraform.tfvars", "terraform.tfvars.json"):
                auto.insert(0, os.path.join(directory, name))
            elif name.endswith((".auto.tfvars", ".auto.tfvars.json")):
                auto.append(os.path.join(directory, name))
        for path in auto + self.var_files:
            try:
                f = self._parse(path)
            except (HclSyntaxError, JsonSyntaxError, ValueError, OSError) as exc:
                message = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
                err = FileError(self.display(path), message)
                if err not in self.result.errors:
                    self.result.errors.append(err)
                continue
            attrs = dict(f.body.attributes)
            if path.endswith(".json"):
                # JSON tfvars are a single object; its keys are variables.
                attrs = {}
                for block in f.body.blocks:
                    attrs.update(block.body.attributes)
            for name, attr in attrs.items():
                inputs[name] = evaluate(attr.expr, _NoNames())
                origins[name] = SourceSpan(f.path, attr.line, attr.end_line)
        for name, raw in self.cli_vars.items():
            inputs[name] = _parse_cli_value(raw)
        return inputs, origins

    def expand_call(self, parent: ModuleInstance, name: str):
        block, f = parent.calls[name]
        attrs = block.body.attributes
        source = evaluate(attrs["source"].expr, parent) if "source" in attrs else None
        target = self.sources.resolve(parent, name, block, f, source)
        if target is None or parent.depth >= MAX_MODULE_DEPTH:
            return None
        files = self.files_of(target)
        instances = parent.instances(block)
        if instances is None:
            instances = [(None, parent)]  # unknown count: scan one instance, as written
        out = []
        for key, scope in instances:
            inputs: dict[str, Any] = {}
            origins: dict[str, SourceSpan] = {}
            for arg, attr in attrs.items():
                if arg in _META_ARGS:
                    continue
                inputs[arg] = evaluate(attr.expr, scope)
                origins[arg] = parent.origin(attr.expr,
                                             SourceSpan(f.path, attr.line, attr.end_line))
            suffix = "" if key is None else (f"[{key}]" if isinstance(key, int) else f'["{key}"]')
            prefix = f"{parent.prefix}module.{name}{suffix}."
            out.append((key, ModuleInstance(self, target, files, prefix, inputs, origins,
                                            parent.depth + 1, parent.root_dir)))
        return out

    def _collect_switched_off(self, root: ModuleInstance, inputs: dict[str, Any]) -> None:
        """Resources of a root (a module checked with its own defaults) that no instance of
        exists at the defaults, because a variable selects them (``count = var.engine ==
        "memcached" ? 1 : 0``): each is read once more where one variable the module compares
        with a string takes that string, and its messages say so. A variable a tfvars file or
        ``--var`` sets is the user's choice and is never changed."""
        off = [(key, block, f) for key, (block, f) in root.resources.items()
               if key[0] == "managed" and key[1] in self.relevant
               and root.instances(block) == []]
        if not off:
            return
        choices: list[tuple[str, str]] = []
        for f in root.files:
            try:  # a module folder's files are in that folder (f.path is as displayed)
                text = read_text(os.path.join(root.directory, os.path.basename(f.path)))
            except (OSError, ValueError):
                continue
            for m in _COMPARED.finditer(text):
                name, literal = (m.group(1), m.group(2)) if m.group(1) else (m.group(4),
                                                                             m.group(3))
                if name in root.variables and name not in inputs \
                        and (name, literal) not in choices:
                    choices.append((name, literal))
        done: set[tuple] = set()
        comments_by_path = {g.path: g.comments for g in root.files}
        for name, literal in choices[:16]:
            if root.variable(name) == literal:
                continue
            other = ModuleInstance(self, root.directory, root.files, "", {name: literal}, {}, 0)
            for key, block, f in off:
                if key in done:
                    continue
                instances = other.instances(block)
                if not instances:
                    continue
                done.add(key)
                self._add_instances(other, key, block, f, instances,
                                    _comments_of(comments_by_path.get(f.path, ()), block),
                                    root.directory, assumes=f'when var.{name} = "{literal}"')

    def _add_instances(self, module: ModuleInstance, key: tuple[str, str, str], block,
                       f, instances: list, comments: tuple, root: str,
                       assumes: str = "") -> None:
        """One TfResource per instance (``count``/``for_each`` key, and its scope) of a
        resource or data block of ``module``, evaluated in that module."""
        mode, rtype, rname = key
        base = f"{module.prefix}{'data.' if mode == 'data' else ''}{rtype}.{rname}"
        for ikey, scope in instances:
            suffix = "" if ikey is None else (f"[{ikey}]" if isinstance(ikey, int)
                                              else f'["{ikey}"]')
            body = evaluate_body(block.body, scope, module, f.path, block.line, block.end_line)
            self.result.resources.append(TfResource(
                base + suffix, mode, rtype, rname, module.prefix.rstrip("."), body, comments,
                self.display(root), assumes=assumes))

    def _collect(self, module: ModuleInstance, root: str = "") -> None:
        root = root or module.directory
        comments_by_path = {f.path: f.comments for f in module.loader.files_of(module.directory)}
        # A snapshot: evaluating a body may parse deferred files, which adds resources.
        for (mode, rtype, rname), (block, f) in list(module.resources.items()):
            if rtype not in self.relevant:
                continue
            instances = module.instances(block)
            if instances is None:
                instances = [(None, module)]
            self._add_instances(module, (mode, rtype, rname), block, f, instances,
                                _comments_of(comments_by_path.get(f.path, ()), block), root)
        for child in module.child_instances(self.needed):
            self._collect(child, root)


# A variable compared with a string literal: var.engine == "memcached" (either side).
_COMPARED = re.compile(r'var\.(\w+)\s*==\s*"([^"$%{}]+)"|"([^"$%{}]+)"\s*==\s*var\.(\w+)')


def _comments_of(comments: tuple, block) -> tuple:
    """The comments inside a block, and the comment lines right above it (its documentation:
    what the author says the resource is for)."""
    inside = [c for c in comments if block.line <= c.line <= block.end_line]
    above = {c.line: c for c in comments if c.line < block.line}
    lead, line = [], block.line - 1
    while line in above:
        lead.append(above[line])
        line -= 1
    return tuple(reversed(lead)) + tuple(inside)


class _PreParsedError(Exception):
    def __init__(self, error: FileError):
        self.error = error


class _NoNames:
    def lookup(self, name: str) -> Any:
        from cachelint.values import UNKNOWN
        return UNKNOWN


def _parse_cli_value(raw: str) -> Any:
    from cachelint.loaders.terraform.hcl import parse_expression

    expr = parse_expression(raw)
    value = evaluate(expr, _NoNames())
    from cachelint.values import is_known
    return value if is_known(value) else raw
