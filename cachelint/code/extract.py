"""Parse one source file with tree-sitter and keep what the rules need: imports, the clients
constructed (by what is called, resolved through the imports), the calls made on them, and the
environment variables read. Nothing of the tree is kept."""

from __future__ import annotations

import functools
import re
from dataclasses import replace
from typing import Any

from cachelint.code import clients
from cachelint.code.model import Binding, Call, CodeFile, Value
from cachelint.code.patterns import go_propagated, read_patterns

EXTENSIONS = {".py": "python", ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript",
              ".jsx": "javascript", ".ts": "typescript", ".tsx": "tsx", ".java": "java",
              ".go": "go"}
# TypeScript is JavaScript for the client tables and the extractor.
FAMILY = {"typescript": "javascript", "tsx": "javascript"}


def language_of(path: str) -> str | None:
    lower = path.lower()
    if lower.endswith(".d.ts"):
        return None  # declarations, no code
    dot = lower.rfind(".")
    return EXTENSIONS.get(lower[dot:]) if dot >= 0 else None


@functools.cache
def parser_for(language: str):
    from tree_sitter import Language, Parser

    if language == "python":
        import tree_sitter_python as mod
        lang = mod.language()
    elif language == "javascript":
        import tree_sitter_javascript as mod
        lang = mod.language()
    elif language in ("typescript", "tsx"):
        import tree_sitter_typescript as mod
        lang = mod.language_typescript() if language == "typescript" else mod.language_tsx()
    elif language == "java":
        import tree_sitter_java as mod
        lang = mod.language()
    else:
        import tree_sitter_go as mod
        lang = mod.language()
    return Parser(Language(lang))


@functools.lru_cache(maxsize=1)
def parser_versions() -> str:
    """For the parse cache key: a new grammar makes new entries."""
    from importlib.metadata import version

    names = ("tree-sitter", "tree-sitter-python", "tree-sitter-javascript",
             "tree-sitter-typescript", "tree-sitter-java", "tree-sitter-go")
    out = []
    for name in names:
        try:
            out.append(version(name))
        except Exception:  # noqa: BLE001 - a missing package just makes a distinct key
            out.append("?")
    return "/".join(out)


def extract(text: str, path: str, language: str) -> CodeFile:
    tree = parser_for(language).parse(text.encode("utf-8"))
    root = tree.root_node
    family = FAMILY.get(language, language)
    reader = _Reader(family, path)
    reader.imports(root)
    reader.walk(root, 0)
    guarded, memos, loads = read_patterns(root, family)
    if family == "go":  # errors are values: guarded unless the error is handed back
        failing = go_propagated(root)
        calls = tuple(c if c.line in failing else replace(c, guarded=True)
                      for c in reader.calls)
    else:
        calls = tuple(replace(c, guarded=True) if any(a <= c.line <= b for a, b in guarded)
                      else c for c in reader.calls)
    return CodeFile(path=path, language=family, imports=tuple(sorted(set(reader.modules))),
                    bindings=tuple(reader.bindings), calls=calls,
                    env=tuple(sorted(reader.env)), memos=memos, loads=loads)


def _text(node) -> str:
    return node.text.decode("utf-8", "replace") if node is not None else ""


_STRING = {"string", "string_literal", "interpreted_string_literal", "raw_string_literal",
           "template_string", "string_fragment"}
_FUNCTIONS = {"function_definition", "function_declaration", "method_declaration",
              "method_definition", "arrow_function", "function_expression", "func_literal",
              "constructor_declaration", "lambda_expression", "generator_function_declaration"}
_BLOCKS = {"block", "statement_block"}
# Node types of a literal written in the call itself (not a name that holds one).
_LITERAL = re.compile(r"^(string|string_literal|interpreted_string_literal|raw_string_literal|"
                      r"integer|float|number|int_literal|true|false|none|null|nil|null_literal|"
                      r"decimal_integer_literal|decimal_floating_point_literal|template_string)$")
_TRY = {"try_statement", "try_with_resources_statement"}
# ``promisify(client.get)`` (Node util, bluebird, es6-promisify): the result calls client.get.
_PROMISIFY = re.compile(r"(util|bluebird|es6-promisify)\.promisify|es6-promisify|pify|promisify")


def _string(node) -> str | None:
    """The value of a string literal without interpolation, else None."""
    if node is None or node.type not in _STRING:
        return None
    if any(c.type in ("interpolation", "template_substitution") for c in node.children):
        return None
    raw = _text(node)
    if node.type == "string":  # Python prefixes (r, b, f...) and quotes; JS quotes
        m = re.match(r"^[rRbBuUfF]*('''|\"\"\"|'|\")(.*)\1$", raw, re.S)
        if m is None or "f" in raw[: raw.find(m.group(1))].lower():
            return None
        return m.group(2)
    return raw[1:-1] if len(raw) >= 2 else None


class _Reader:
    def __init__(self, language: str, path: str):
        self.language = language
        self.path = path
        self.names: dict[str, str] = {}  # local name -> qualified module or symbol
        self.wildcards: list[str] = []  # Java packages imported with .*
        self.modules: list[str] = []
        self.bindings: list[Binding] = []
        self.calls: list[Call] = []
        self.env: set[str] = set()
        self.constants: dict[str, Value] = {}  # name -> Value (env reads and literals)
        # getAsync = promisify(client.get).bind(client): name -> (receiver, method)
        self.aliases: dict[str, tuple[str, str]] = {}
        # functions of this file that return a client: name -> the return expression's node
        self.factories: dict[str, Any] = {}

    # --- imports -------------------------------------------------------------------------
    def imports(self, root) -> None:
        stack = [root]
        while stack:
            node = stack.pop()
            t = node.type
            if t in ("import_statement", "import_from_statement") and self.language == "python":
                self._python_import(node)
            elif t == "import_statement" and self.language == "javascript":
                self._js_import(node)
            elif t == "import_declaration" and self.language == "java":
                name = _text(next((c for c in node.named_children
                                   if c.type in ("scoped_identifier", "identifier")), None))
                if any(c.type == "asterisk" for c in node.children):
                    self.wildcards.append(name)
                elif name:
                    self.names[name.rsplit(".", 1)[-1]] = name
                self.modules.append(name)
            elif t == "import_spec" and self.language == "go":
                path = _string(node.child_by_field_name("path")) or ""
                alias = node.child_by_field_name("name")
                self.modules.append(path)
                self.names[_text(alias) if alias is not None else _go_package(path)] = path
            elif t == "call_expression" and self.language == "javascript":
                self._require(node)
            else:
                stack.extend(node.children)

    def _python_import(self, node) -> None:
        if node.type == "import_statement":
            for c in node.named_children:
                if c.type == "aliased_import":
                    full = _text(c.child_by_field_name("name"))
                    self.names[_text(c.child_by_field_name("alias"))] = full
                else:
                    full = _text(c)
                    self.names[full.split(".")[0]] = full.split(".")[0]
                self.modules.append(full)
            return
        module = _text(node.child_by_field_name("module_name"))
        self.modules.append(module)
        for c in node.children_by_field_name("name"):
            if c.type == "aliased_import":
                self.names[_text(c.child_by_field_name("alias"))] = \
                    f"{module}.{_text(c.child_by_field_name('name'))}"
            else:
                self.names[_text(c)] = f"{module}.{_text(c)}"

    def _js_import(self, node) -> None:
        source = _string(node.child_by_field_name("source"))
        if source is None:
            return
        self.modules.append(source)
        clause = next((c for c in node.named_children if c.type == "import_clause"), None)
        if clause is None:
            return
        for c in clause.named_children:
            if c.type == "identifier":
                self.names[_text(c)] = source  # default import
            elif c.type == "namespace_import":
                ident = next((x for x in c.named_children if x.type == "identifier"), None)
                if ident is not None:
                    self.names[_text(ident)] = source
            elif c.type == "named_imports":
                for spec in c.named_children:
                    name = _text(spec.child_by_field_name("name"))
                    alias = spec.child_by_field_name("alias")
                    self.names[_text(alias) if alias is not None else name] = f"{source}.{name}"

    def _require(self, node) -> None:
        fn = node.child_by_field_name("function")
        if _text(fn) != "require":
            stack = list(node.children)
            while stack:  # a require nested in this call's arguments
                n = stack.pop()
                if n.type == "call_expression":
                    self._require(n)
                else:
                    stack.extend(n.children)
            return
        args = node.child_by_field_name("arguments")
        source = _string(args.named_children[0]) if args is not None and args.named_children \
            else None
        if source is None:
            return
        self.modules.append(source)
        target = node.parent
        while target is not None and target.type in ("member_expression",
                                                     "parenthesized_expression"):
            target = target.parent
        if target is None or target.type != "variable_declarator":
            return
        name = target.child_by_field_name("name")
        value = target.child_by_field_name("value")
        member = _text(value)[len(_text(node)):].lstrip(".") if value is not None else ""
        base = f"{source}.{member}" if member else source
        if name.type == "identifier":
            self.names[_text(name)] = base
        elif name.type == "object_pattern":
            for p in name.named_children:
                if p.type == "shorthand_property_identifier_pattern":
                    self.names[_text(p)] = f"{base}.{_text(p)}"
                elif p.type == "pair_pattern":
                    self.names[_text(p.child_by_field_name("value"))] = \
                        f"{base}.{_text(p.child_by_field_name('key'))}"

    def qualify(self, dotted: str) -> str:
        """``r.NewClient`` -> ``github.com/redis/go-redis/v9.NewClient`` through the imports."""
        head, _, rest = dotted.partition(".")
        if head in self.names:
            return self.names[head] + ("." + rest if rest else "")
        if self.language == "java" and self.wildcards and head[:1].isupper():
            return next((f"{w}.{dotted}" for w in self.wildcards if _known_java(f"{w}.{head}")),
                        dotted)
        return dotted

    # --- the walk ------------------------------------------------------------------------
    def walk(self, root, scope: int) -> None:
        self._factories(root)
        stack = [(root, scope, ())]
        while stack:
            node, scope, block = stack.pop()
            t = node.type
            if t in _FUNCTIONS:
                scope = node.start_point[0] + 1
            if t in _BLOCKS and (node.parent is None or node.parent.type not in _TRY):
                block = (node.start_point[0] + 1, node.end_point[0] + 1)
            if t in ("assignment", "variable_declarator", "assignment_expression",
                     "short_var_declaration", "var_spec", "const_spec", "assignment_statement",
                     "resource"):
                self._assignment(node)
            elif t in ("call", "call_expression", "method_invocation"):
                self._call(node, scope, block)
            elif t == "object_pattern" and node.parent is not None and \
                    node.parent.type == "variable_declarator" and \
                    _text(node.parent.child_by_field_name("value")) == "process.env":
                for p in node.named_children:  # const { TABLE } = process.env
                    if p.type == "shorthand_property_identifier_pattern":
                        self.env.add(_text(p))
                        self.constants[_text(p)] = Value("env", _text(p))
            stack.extend((c, scope, block) for c in reversed(node.children))

    def _targets(self, node) -> list[tuple[Any, Any]]:
        t = node.type
        if t in ("assignment", "assignment_expression", "assignment_statement"):
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        elif t in ("variable_declarator", "resource"):
            left = node.child_by_field_name("name")
            right = node.child_by_field_name("value")
        else:  # Go short_var_declaration, var_spec, const_spec
            left = node.child_by_field_name("left") or node.child_by_field_name("name")
            right = node.child_by_field_name("right") or node.child_by_field_name("value")
        if left is None or right is None:
            return []
        lefts = left.named_children if left.type in ("expression_list", "pattern_list") else [left]
        rights = right.named_children if right.type == "expression_list" else [right]
        if len(lefts) == len(rights):
            return list(zip(lefts, rights, strict=False))
        return [(lefts[0], rights[0])]  # rdb, err := f(): the first is the value

    def _assignment(self, node) -> None:
        for left, right in self._targets(node):
            name = _text(left)
            if not re.fullmatch(r"[\w$.]+", name):
                continue
            name = re.sub(r"^(self|this)\.", "this.", name)
            right = _unwrap(right)
            alias = self._promisified(right)
            if alias is not None:
                self.aliases[name] = alias
                continue
            client = self._client(right)
            if client is not None:
                self.bindings.append(client(name, node.start_point[0] + 1))
                continue
            value = self.value(right)
            if value.kind in ("env", "str") or (value.kind == "list" and value.fields):
                self.constants[name] = value

    def _promisified(self, node) -> tuple[str, str] | None:
        """``promisify(client.get)``, ``promisify(client.get).bind(client)``,
        ``promisify(client.get.bind(client))`` on a bound client -> (receiver, method)."""
        if self.language != "javascript" or node.type != "call_expression":
            return None
        fn = node.child_by_field_name("function")
        if fn is not None and fn.type == "member_expression" and \
                _text(fn.child_by_field_name("property")) == "bind":
            return self._promisified(_unwrap(fn.child_by_field_name("object")))
        if fn is None or not _PROMISIFY.fullmatch(self.qualify(_text(fn))):
            return None
        args = _args(node)
        target = _unwrap(args[0]) if args else None
        if target is not None and target.type == "call_expression":  # client.get.bind(client)
            inner = target.child_by_field_name("function")
            if inner is not None and inner.type == "member_expression" and \
                    _text(inner.child_by_field_name("property")) == "bind":
                target = _unwrap(inner.child_by_field_name("object"))
        if target is None or target.type != "member_expression":
            return None
        receiver = re.sub(r"^(self|this)\.", "this.", _text(target.child_by_field_name("object")))
        if self._bound(receiver) is None:
            return None
        return receiver, _text(target.child_by_field_name("property"))

    def _factories(self, root) -> None:
        """Functions of the file that return a client they construct (``def get_redis(): return
        redis.Redis(...)``, ``const client = () => createClient()``): a call of one makes the
        same client. Only returns of a constructing expression are kept."""
        stack = [root]
        while stack:
            node = stack.pop()
            stack.extend(node.children)
            if node.type not in _FUNCTIONS:
                continue
            name = node.child_by_field_name("name")
            if name is None and node.parent is not None and \
                    node.parent.type == "variable_declarator":
                name = node.parent.child_by_field_name("name")
            body = node.child_by_field_name("body")
            if name is None or body is None:
                continue
            returns = [body] if body.type not in _BLOCKS else []
            inner = list(body.children) if body.type in _BLOCKS else []
            while inner:  # return statements of this function, not of nested ones
                n = inner.pop()
                if n.type == "return_statement":
                    kids = [c for c in n.named_children if c.type != "comment"]
                    if kids:
                        k = kids[0]
                        if k.type == "expression_list" and k.named_children:
                            k = k.named_children[0]
                        returns.append(k)
                elif n.type not in _FUNCTIONS:
                    inner.extend(n.children)
            for r in returns:
                r = _unwrap(r)
                if self._client(r) is not None or r.type in ("identifier", "attribute",
                                                             "member_expression"):
                    self.factories[_text(name)] = r  # a name: the client bound to it at use
                    break

    def _client(self, node):
        """A factory of the Binding a constructing expression makes, or None."""
        t = node.type
        table = None
        if t in ("new_expression", "object_creation_expression"):
            callee = node.child_by_field_name("constructor") or node.child_by_field_name("type")
            args = every = _args(node)
            qualified = self.qualify(re.sub(r"<.*>$", "", _text(callee)))
        elif t in ("call", "call_expression", "method_invocation"):
            root, chain, direct = self._chain(node)
            if root is None:
                return None
            if root.type in ("new_expression", "object_creation_expression"):
                return self._client(root)
            base = _text(root)
            if not re.fullmatch(r"[\w$.]+", base):
                return None
            factory = base if direct is not None and not chain else (
                chain[0][0] if base in ("self", "this") and len(chain) == 1 else "")
            if factory in self.factories:  # r = get_redis(), self.client()
                made = self.factories[factory]
                if made.type not in ("identifier", "attribute", "member_expression"):
                    return self._client(made)
                bound = self._bound(_text(made))
                return None if bound is None else (
                    lambda name, line: replace(bound, name=name, line=line))
            derived = self._derived(base, chain)
            if derived is not None:
                return derived
            calls = ([direct] if direct is not None else []) + [c for _, c in chain]
            if not calls:
                return None
            args = _args(calls[0])
            # The first call's arguments, and those of builder methods that set the endpoint.
            every = args + [a for m, c in chain[1:] if clients.ENDPOINT_METHODS.match(m)
                            for a in _args(c)[:1]]
            name = base if direct is not None else f"{base}.{chain[0][0]}"
            qualified = self.qualify(name)
            if chain and chain[-1][0] in clients.TABLE_HANDLES:
                last = _args(chain[-1][1])
                table = self.value(_unwrap(last[0])) if last else None
        else:
            return None
        first = _string(args[0]) if args else None
        if first is None and args and args[0].type == "keyword_argument":
            first = _string(args[0].child_by_field_name("value"))
        made = clients.constructed(self.language, qualified, first) or (
            clients.constructed(self.language, qualified.rsplit(".", 1)[0], first)
            if "." in qualified else None)
        if made is None and self.language == "python" and first == clients.BOTO3_SERVICE and \
                qualified.rsplit(".", 1)[-1] in ("client", "resource") and \
                any(m.split(".")[0] in ("boto3", "aioboto3") for m in self.modules):
            made = ("boto3", "dynamodb")  # session.client("dynamodb"), boto3 imported
        if made is None:
            return None
        library, kind = made
        kind, behind = self._dax_behind(kind, every)
        endpoint = behind or self._endpoint(every)
        return lambda name, line: Binding(name, kind, library, line, table=table,
                                          endpoint=endpoint)

    def _dax_behind(self, kind: str, args: list) -> tuple[str, Value | None]:
        """A DynamoDB document client built over a DAX client is a DAX client
        (``DocumentClient({service: dax})``, ``DynamoDBDocumentClient.from(dax)``), with the DAX
        client's endpoint."""
        if kind != "dynamodb":
            return kind, None
        for arg in args:
            value = self.value(_unwrap(arg))
            names = [value.text] if value.kind == "name" else [
                v.text for k, v in value.fields if k == "service" and v.kind == "name"]
            for n in names:
                b = self._bound(n)
                if b is not None and b.client == "dax":
                    return "dax", b.endpoint
        return kind, None

    def _derived(self, base: str, chain):
        """``r.pipeline()``, ``pool.getResource()``, ``dynamodb.Table(name)``: same kind."""
        if not chain:
            return None
        binding = self._bound(base)
        if binding is None:
            return None
        method, call = chain[-1]
        if method not in clients.DERIVING and not all(m in clients.DERIVING for m, _ in chain):
            return None
        table = binding.table
        if method in clients.TABLE_HANDLES:
            args = _args(call)
            table = self.value(_unwrap(args[0])) if args else None
        return lambda name, line: Binding(name, binding.client, binding.library, line,
                                          table=table, endpoint=binding.endpoint)

    def _bound(self, name: str) -> Binding | None:
        name = re.sub(r"^(self|this)\.", "this.", name)
        return next((b for b in reversed(self.bindings) if b.name == name), None)

    def _endpoint(self, args) -> Value | None:
        """The host, URL or endpoint a client is built with (the first, where a list)."""
        for arg in args:
            if arg.type == "keyword_argument":
                key = _text(arg.child_by_field_name("name")).lower()
                if key in _ENDPOINT_KEYS:
                    return _first(self.value(arg.child_by_field_name("value")))
                continue
            value = self.value(_unwrap(arg))
            if value.kind == "str" and value.text == clients.BOTO3_SERVICE:
                continue  # boto3.client("dynamodb"): the service, not an endpoint
            if value.kind in ("str", "env"):
                return value
            if value.kind in ("object", "call"):
                for key in _ENDPOINT_KEYS:
                    found = value.field(key)
                    if found is not None:
                        if found.kind == "object":
                            found = found.field("host") or found
                        return _first(found)
            if value.kind == "list" and value.fields:
                return _first(value)
            if value.kind == "name":  # Go: cfg.HostPorts = []string{...}; dax.New(cfg)
                for (name, v) in self.constants.items():
                    if name.startswith(value.text + ".") and \
                            name[len(value.text) + 1:].lower() in _ENDPOINT_KEYS:
                        return _first(v)
        return None

    def _chain(self, node) -> tuple[Any, list, Any]:
        """``a.b().c(x)`` -> (a's node, [(b, call), (c, call)], None); ``f(x).c()`` -> (f's
        node, [(c, call)], the call of f)."""
        chain: list = []
        while node is not None and node.type in ("call", "call_expression", "method_invocation"):
            if node.type == "method_invocation":
                obj = node.child_by_field_name("object")
                if obj is None:
                    chain.reverse()
                    return node.child_by_field_name("name"), chain, node
                chain.append((_text(node.child_by_field_name("name")), node))
                node = _unwrap(obj)
                continue
            fn = node.child_by_field_name("function")
            if fn is None:
                return None, [], None
            fn = _unwrap(fn)
            if fn.type in ("attribute", "member_expression", "selector_expression"):
                obj = fn.child_by_field_name("object") or fn.child_by_field_name("operand")
                prop = fn.child_by_field_name("attribute") or fn.child_by_field_name("property") \
                    or fn.child_by_field_name("field")
                chain.append((_text(prop), node))
                node = _unwrap(obj)
            else:
                chain.reverse()
                return fn, chain, node
        chain.reverse()
        return node, chain, None

    # --- calls on clients ------------------------------------------------------------------
    def _call(self, node, scope: int, block: tuple = ()) -> None:
        self._env_read(node)
        if node.type == "method_invocation":
            obj = node.child_by_field_name("object")
            method = _text(node.child_by_field_name("name"))
        else:
            fn = node.child_by_field_name("function")
            if fn is None:
                return
            fn = _unwrap(fn)
            if fn.type == "identifier" and _text(fn) in self.aliases:
                receiver, method = self.aliases[_text(fn)]  # getAsync(key): client.get(key)
                self._record(node, receiver, method, scope, block)
                return
            if fn.type not in ("attribute", "member_expression", "selector_expression"):
                return
            obj = fn.child_by_field_name("object") or fn.child_by_field_name("operand")
            method = _text(fn.child_by_field_name("attribute") or
                           fn.child_by_field_name("property") or fn.child_by_field_name("field"))
        if obj is None:
            return
        obj = _unwrap(obj)
        receiver = re.sub(r"^(self|this)\.", "this.", _text(obj))
        if self._bound(receiver) is None:
            if method not in clients.USES or obj.type not in (
                    "call", "call_expression", "method_invocation", "new_expression",
                    "object_creation_expression"):
                return
            # A client used where it is made: dax.Table(name).get_item(...), Redis().get(k)
            made = self._client(obj)
            if made is None:
                return
            self.bindings.append(made(receiver, obj.start_point[0] + 1))
        if method.endswith("Async") and method[:-5] in clients.USES:
            method = method[:-5]  # bluebird promisifyAll: client.getAsync(key)
        self._record(node, receiver, method, scope, block)

    def _record(self, node, receiver: str, method: str, scope: int, block: tuple) -> None:
        args, kwargs, literals = [], [], []
        for a in _args(node):
            if a.type == "keyword_argument":
                kwargs.append((_text(a.child_by_field_name("name")),
                               self.value(a.child_by_field_name("value"))))
            elif a.type in ("list_splat", "dictionary_splat", "spread_element"):
                args.append(Value("other", _text(a)))
            else:
                if _LITERAL.search(_unwrap(a).type):
                    literals.append(len(args))
                args.append(self.value(_unwrap(a)))
        self.calls.append(Call(node.start_point[0] + 1, receiver, method, tuple(args),
                               tuple(kwargs), scope, block=block, literals=tuple(literals)))

    def _env_read(self, node) -> None:
        value = self._env_value(node)
        if value is not None:
            self.env.add(value.text)

    def _env_value(self, node) -> Value | None:
        """``os.environ["X"]``, ``os.getenv("X")``, ``process.env.X``, ``System.getenv("X")``,
        ``os.Getenv("X")`` -> Value("env", "X")."""
        t = node.type
        if t in ("call", "call_expression", "method_invocation"):
            if t == "method_invocation":
                callee = _text(node.child_by_field_name("object")) + "." + \
                    _text(node.child_by_field_name("name"))
            else:
                callee = _text(node.child_by_field_name("function"))
            q = self.qualify(callee)
            if q in ("os.getenv", "os.environ.get", "System.getenv", "os.Getenv",
                     "os.LookupEnv", "java.lang.System.getenv"):
                args = _args(node)
                name = _string(args[0]) if args else None
                return Value("env", name) if name else Value("other", _text(node))
            return None
        if t in ("subscript", "subscript_expression"):
            obj = node.child_by_field_name("value") or node.child_by_field_name("object")
            idx = node.child_by_field_name("subscript") or node.child_by_field_name("index")
            if self.qualify(_text(obj)) in ("os.environ", "process.env"):
                name = _string(idx)
                return Value("env", name) if name else Value("other", _text(node))
        if t == "member_expression":
            obj = node.child_by_field_name("object")
            if _text(obj) == "process.env":
                return Value("env", _text(node.child_by_field_name("property")))
        return None

    # --- values --------------------------------------------------------------------------
    def value(self, node) -> Value:
        if node is None:
            return Value("other")
        node = _unwrap(node)
        t = node.type
        env = self._env_value(node)
        if env is not None:
            if env.kind == "env":
                self.env.add(env.text)
            return env
        s = _string(node)
        if s is not None:
            return Value("str", s)
        if t in ("integer", "float", "number", "int_literal", "float_literal",
                 "decimal_integer_literal", "decimal_floating_point_literal"):
            return Value("num", _text(node))
        if t in ("true", "false"):
            return Value("bool", t)
        if t in ("none", "null", "nil", "null_literal", "undefined"):
            return Value("none")
        if t in ("identifier", "attribute", "member_expression", "selector_expression",
                 "field_access"):
            name = re.sub(r"^(self|this)\.", "this.", _text(node))
            return self.constants.get(name, Value("name", name))
        if t == "composite_literal" and node.child_by_field_name("type") is not None and \
                node.child_by_field_name("type").type in ("slice_type", "array_type",
                                                          "implicit_length_array_type"):
            body = node.child_by_field_name("body")
            items = [c.named_children[0] if c.type == "literal_element" and c.named_children
                     else c for c in (body.named_children if body is not None else ())]
            return Value("list", "", tuple(("", self.value(c)) for c in items
                                           if c.type != "comment"))
        if t in ("dictionary", "object", "literal_value", "composite_literal"):
            return Value("object", "", self._fields(node))
        if t in ("list", "array", "tuple"):
            return Value("list", "", tuple(("", self.value(c)) for c in node.named_children
                                           if c.type != "comment"))
        if t in ("call", "call_expression", "method_invocation", "new_expression",
                 "object_creation_expression"):
            return self._call_value(node)
        return Value("other", _text(node)[:80])

    def _fields(self, node) -> tuple:
        if node.type == "composite_literal":
            node = node.child_by_field_name("body")
        out = []
        for c in node.named_children if node is not None else ():
            if c.type == "pair":
                key = c.child_by_field_name("key")
                k = _string(key) if _string(key) is not None else _text(key)
                out.append((k, self.value(c.child_by_field_name("value"))))
            elif c.type == "keyed_element":
                kids = [x for x in c.named_children if x.type != "comment"]
                if len(kids) == 2:
                    key = kids[0].named_children[0] if kids[0].named_children else kids[0]
                    val = kids[1].named_children[0] if kids[1].named_children else kids[1]
                    k = _string(key) if _string(key) is not None else _text(key)
                    out.append((k, self.value(val)))
            elif c.type == "shorthand_property_identifier":
                out.append((_text(c), self.value(c)))
        return tuple(out)

    def _call_value(self, node) -> Value:
        """Wrappers keep their argument (``aws.String(t)``, ``aws.Bool(true)``); a builder
        chain (``GetItemRequest.builder().tableName(t).consistentRead(true).build()``) and
        ``new XCommand({...})`` keep their fields."""
        if node.type in ("new_expression", "object_creation_expression"):
            callee = node.child_by_field_name("constructor") or node.child_by_field_name("type")
            args = _args(node)
            fields: tuple = ()
            if args:
                first = self.value(args[0])
                fields = first.fields if first.kind == "object" else (("", first),)
            return Value("call", _text(callee), fields)
        root, chain, direct = self._chain(node)
        if root is None:
            return Value("other", _text(node)[:80])
        callee = _text(root) + "".join("." + m for m, _ in chain)
        if direct is not None:
            chain = [("", direct)] + chain
        args = _args(node)
        if re.fullmatch(r"aws\.(String|Bool|Int\d*|Int|Float\d*)|String|Boolean\.valueOf",
                        callee) and len(args) == 1:
            return self.value(args[0])
        fields = []
        for method, call in chain:
            a = _args(call)
            key = re.sub(r"^with(?=[A-Z])", "", method)
            if len(a) == 1:
                fields.append((key, self.value(_unwrap(a[0]))))
        if len(chain) <= 1:
            fields = [(str(i), self.value(_unwrap(a))) for i, a in enumerate(args)]
        return Value("call", callee, tuple(fields))


_ENDPOINT_KEYS = ("host", "url", "endpoint", "endpoints", "endpoint_url", "endpointurl", "addr",
                  "addrs", "hostports", "servers", "server", "socket")


def _first(value: Value) -> Value:
    """A list's first element (one endpoint names the cluster), else the value."""
    if value.kind == "list" and value.fields:
        return value.fields[0][1]
    return value


def _unwrap(node):
    while node is not None and node.type in ("await", "await_expression",
                                             "parenthesized_expression", "as_expression",
                                             "non_null_expression", "unary_expression",
                                             "type_assertion", "satisfies_expression"):
        if node.type == "unary_expression" and _text(node)[:1] not in ("&", "*"):
            return node
        kids = [c for c in node.named_children if c.type != "comment"]
        node = kids[-1] if kids else node
        if not kids:
            break
    return node


def _args(node) -> list:
    args = node.child_by_field_name("arguments") if node is not None else None
    if args is None:
        return []
    return [c for c in args.named_children if c.type != "comment"]


def _go_package(path: str) -> str:
    parts = [p for p in path.split("/") if not re.fullmatch(r"v\d+", p)]
    name = parts[-1] if parts else path
    return re.sub(r"^go-", "", name).replace("-", "_")


_JAVA_CLASSES = {q.rsplit(".", 1)[-1]: q.rsplit(".", 1)[0] for q in (
    "redis.clients.jedis.Jedis", "redis.clients.jedis.JedisPool", "redis.clients.jedis.JedisPooled",
    "redis.clients.jedis.JedisCluster", "redis.clients.jedis.UnifiedJedis",
    "io.lettuce.core.RedisClient", "net.spy.memcached.MemcachedClient",
    "com.amazon.dax.client.dynamodbv2.AmazonDaxClientBuilder",
    "com.amazon.dax.client.dynamodbv2.ClusterDaxClient", "software.amazon.dax.ClusterDaxClient",
    "software.amazon.awssdk.services.dynamodb.DynamoDbClient",
    "com.amazonaws.services.dynamodbv2.AmazonDynamoDBClientBuilder")}


def _known_java(qualified: str) -> bool:
    package, _, name = qualified.rpartition(".")
    return _JAVA_CLASSES.get(name) == package
