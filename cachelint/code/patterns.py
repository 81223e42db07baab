"""The shapes around the client calls that rules CL605-CL607 need, read from the same tree as
the calls (cachelint.code.extract): which lines an exception handler covers, which functions
memoise their result in the process (``functools.lru_cache``, a module-level dict or Map), and
which calls read a source of data (a database, an HTTP service) that a cache stands in front of.
Names of loads are words, not types: they only say where the expensive read of a cache-aside
function is, never on their own that something is wrong."""

from __future__ import annotations

import re

from cachelint.code.model import Load, Memo

_FUNCTIONS = {"function_definition", "function_declaration", "method_declaration",
              "method_definition", "arrow_function", "function_expression", "func_literal",
              "constructor_declaration", "lambda_expression", "generator_function_declaration"}
_TRY = {"try_statement", "try_with_resources_statement"}
_CALLS = {"call", "call_expression", "method_invocation"}
# A read of the source of truth behind a cache: SQL drivers, ORMs, HTTP clients, DynamoDB.
LOAD_METHODS = frozenset({
    "execute", "fetchone", "fetchall", "fetchmany", "query", "query_one", "queryForObject",
    "queryForList", "queryForMap", "executeQuery", "QueryRow", "QueryRowContext", "QueryContext",
    "findOne", "findById", "findAll", "findUnique", "findMany", "find_one", "urlopen",
    "getForObject", "getForEntity", "exchange",
})
# DynamoDB reads are the calls on a DynamoDB or DAX client (cachelint.checks.cache_aside).
_HTTP_FUNCTIONS = re.compile(r"^(requests|httpx|axios|got|urllib\.request|http)\.(get|post|request|"
                             r"urlopen|Get|Do)$|^fetch$")
# A memo entry stored with its time is one that is checked for age: it has an expiry.
_TIMESTAMP = re.compile(r"Date\.now|time\.(time|monotonic|now)\b|datetime\.(now|utcnow)|"
                        r"Instant\.now|currentTimeMillis|performance\.now|\bexpir|\bttl\b",
                        re.IGNORECASE)
# ``m[key] = value`` per language: (assignment node, subscript node, its container's field).
_ITEM_STORE = {"python": ("assignment", "subscript", "value"),
               "javascript": ("assignment_expression", "subscript_expression", "object"),
               "go": ("assignment_statement", "index_expression", "operand")}
# ``m.set(k, v)`` per language, on a module-level map: the methods that store an entry.
_MAP_STORES = {"javascript": {"set"}, "java": {"put", "putIfAbsent", "computeIfAbsent"},
               "go": {"Store", "LoadOrStore"}}
# Java maps that keep what is put in them (no expiry): a static field of one of these.
_JAVA_MAPS = re.compile(r"^new\s+(java\.util\.(concurrent\.)?)?(HashMap|ConcurrentHashMap|"
                        r"LinkedHashMap|TreeMap|Hashtable)\s*(<[^()]*>)?\s*\(\s*\)$")
_MEMO_DECORATORS = re.compile(r"^@\s*(functools\.)?(lru_cache|cache)\b")


def read_patterns(root, language: str) -> tuple[tuple, tuple, tuple]:
    """(guarded line ranges, memos, loads) of a file's tree."""
    guarded: list[tuple[int, int]] = []
    memos: list[Memo] = []
    loads: list[Load] = []
    module_maps = _module_maps(root, language)
    stack = [(root, 0)]
    while stack:
        node, scope = stack.pop()
        t = node.type
        if t in _FUNCTIONS:
            scope = node.start_point[0] + 1
        if t in _TRY:
            body = node.child_by_field_name("body")
            if body is not None and not _fails_anyway(node):
                guarded.append((body.start_point[0] + 1, body.end_point[0] + 1))
        elif t == "decorated_definition" and language == "python":
            _python_memo(node, memos)
        elif t in _CALLS:
            _call(node, scope, language, guarded, loads, module_maps, memos)
        elif scope and t == _ITEM_STORE.get(language, ("",))[0]:
            _, subscript, container = _ITEM_STORE[language]
            left = node.child_by_field_name("left")
            if left is not None and left.type == "expression_list" and \
                    len(left.named_children) == 1:
                left = left.named_children[0]  # Go: m[k] = v
            if left is not None and left.type == subscript:
                name = _text(left.child_by_field_name(container))
                stored = _text(node.child_by_field_name("right"))
                if name in module_maps and not _TIMESTAMP.search(stored):
                    memos.append(Memo(node.start_point[0] + 1, name, scope, "module-dict"))
        stack.extend((c, scope) for c in reversed(node.children))
    return tuple(guarded), tuple(memos), tuple(loads)


# A handler that re-raises, or answers with a server error, fails the request all the same.
_FAILING_HANDLER = re.compile(r"\b(raise|throw)\b|\b5\d\d\b|\babort\s*\(|"
                              r"INTERNAL_SERVER_ERROR|InternalServerError|\b(sys|process)\.exit")
_HANDLERS = {"except_clause", "catch_clause"}


def _fails_anyway(try_node) -> bool:
    """Whether every handler of a try re-raises or returns a server error (a handler-wide
    try that turns any failure into a 500 is no fallback); no handler (try/finally): True."""
    handlers = [c for c in try_node.children if c.type in _HANDLERS]
    if not handlers:
        handler = try_node.child_by_field_name("handler")
        handlers = [handler] if handler is not None else []
    return all(_FAILING_HANDLER.search(_text(h)) for h in handlers)


def _text(node) -> str:
    return node.text.decode("utf-8", "replace") if node is not None else ""


def _module_maps(root, language: str) -> set[str]:
    """Names bound at module level to an empty dict (Python) or an empty object/Map (JS)."""
    out = set()
    for child in root.named_children:
        node = child
        if language == "python" and node.type == "expression_statement" and node.named_children:
            node = node.named_children[0]
            if node.type == "assignment":
                right = _text(node.child_by_field_name("right")).replace(" ", "")
                if right in ("{}", "dict()"):
                    out.add(_text(node.child_by_field_name("left")))
        elif language == "go" and node.type == "var_declaration":
            for spec in node.named_children:
                if spec.type != "var_spec":
                    continue
                value = _text(spec.child_by_field_name("value")).replace(" ", "")
                kind = _text(spec.child_by_field_name("type")).replace(" ", "")
                if re.fullmatch(r"map\[[^\]]+\][^{}]+\{\}|make\(map\[[^\]]+\][^,()]+\)|"
                                r"(&)?sync\.Map\{\}", value) or kind == "sync.Map":
                    out.add(_text(spec.child_by_field_name("name")))
        elif language == "java" and node.type in ("class_declaration", "enum_declaration"):
            body = node.child_by_field_name("body")
            for field in body.named_children if body is not None else ():
                if field.type != "field_declaration" or "static" not in _text(
                        next((c for c in field.children if c.type == "modifiers"), None)):
                    continue
                for decl in field.children_by_field_name("declarator"):
                    if _JAVA_MAPS.match(_text(decl.child_by_field_name("value"))):
                        out.add(_text(decl.child_by_field_name("name")))
        elif language == "javascript" and node.type in ("lexical_declaration",
                                                        "variable_declaration"):
            for decl in node.named_children:
                if decl.type == "variable_declarator":
                    value = _text(decl.child_by_field_name("value")).replace(" ", "")
                    if value in ("{}", "newMap()"):
                        out.add(_text(decl.child_by_field_name("name")))
    return out


def _python_memo(node, memos: list) -> None:
    definition = node.child_by_field_name("definition")
    if definition is None or definition.type != "function_definition":
        return
    for dec in node.named_children:
        if dec.type != "decorator":
            continue
        text = _text(dec)
        m = _MEMO_DECORATORS.match(text)
        # maxsize=None or a bare @cache: nothing ever leaves; lru_cache(maxsize=N) still keeps
        # an entry for as long as it is used, with no expiry either way.
        if m is not None:
            memos.append(Memo(dec.start_point[0] + 1, _text(definition.child_by_field_name("name")),
                              definition.start_point[0] + 1, m.group(2)))


def _call(node, scope: int, language: str, guarded: list, loads: list, module_maps: set,
          memos: list) -> None:
    fn = node.child_by_field_name("function")
    name = node.child_by_field_name("name")  # Java method_invocation
    method = _text(name) if name is not None else ""
    callee = _text(fn) if fn is not None else method
    if fn is not None and fn.type in ("attribute", "member_expression", "selector_expression"):
        attr = fn.child_by_field_name("attribute") or fn.child_by_field_name("property") or \
            fn.child_by_field_name("field")
        method = _text(attr)
        obj = fn.child_by_field_name("object") or fn.child_by_field_name("operand")
        if language == "javascript" and method == "catch" and obj is not None:
            # promise.catch(...): the chained call's failure is handled
            guarded.append((obj.start_point[0] + 1, obj.end_point[0] + 1))
        if method in _MAP_STORES.get(language, ()) and _text(obj) in module_maps and scope \
                and not _TIMESTAMP.search(_text(node.child_by_field_name("arguments"))):
            memos.append(Memo(node.start_point[0] + 1, _text(obj), scope, "module-map"))
    elif language == "java" and name is not None and method in _MAP_STORES["java"]:
        obj = node.child_by_field_name("object")
        if obj is not None and _text(obj) in module_maps and scope and \
                not _TIMESTAMP.search(_text(node.child_by_field_name("arguments"))):
            args = [a for a in node.child_by_field_name("arguments").named_children]
            # computeIfAbsent(k, id -> load(id)): the load is in the lambda
            fn = args[1] if method == "computeIfAbsent" and len(args) > 1 and \
                args[1].type == "lambda_expression" else None
            memos.append(Memo(node.start_point[0] + 1, _text(obj),
                              fn.start_point[0] + 1 if fn is not None else scope, "static-map"))
    line = node.start_point[0] + 1
    if method in LOAD_METHODS or _HTTP_FUNCTIONS.match(callee):
        loads.append(Load(line, scope, (callee or method)[:60]))


# Go: errors are values. A cache read fails the request where its error is handed back (a
# return of the error, http.Error, a 5xx status, panic) in the branch that tests it.
_GO_FAILS = r"\breturn\b[^\n]*\b{err}\b|http\.Error\(|\bpanic\(|log\.Fatal|" \
            r"StatusInternalServerError|WriteHeader\(\s*5\d\d|AbortWithError|\b5\d\d\b"


def go_propagated(root) -> frozenset:
    """Lines of Go statements ``v, err := ...`` whose ``err`` is handed back when not nil
    (``if err != nil { return ..., err }``, also in an ``else if`` after ``err == redis.Nil``).
    A read whose error is ignored or turned into a miss is not listed."""
    out = set()
    stack = [root]
    while stack:
        node = stack.pop()
        stack.extend(node.children)
        if node.type not in ("short_var_declaration", "assignment_statement"):
            continue
        left = node.child_by_field_name("left")
        names = [c for c in (left.named_children if left is not None else ())
                 if c.type == "identifier"]
        if len(names) < 2:
            continue
        err = _text(names[-1])
        if err == "_":
            continue
        followers = []
        if node.parent is not None and node.parent.type == "if_statement":
            followers.append(node.parent)  # if v, err := f(); err != nil {...}
        sib = node.next_named_sibling
        while sib is not None and len(followers) < 3:
            followers.append(sib)
            sib = sib.next_named_sibling
        fails = re.compile(_GO_FAILS.format(err=re.escape(err)))
        tests = re.compile(rf"\b{re.escape(err)}\s*!=\s*nil")
        for f in followers:
            if f is not node.parent and f.type == "if_statement" and \
                    f.child_by_field_name("initializer") is not None:
                continue  # if v, err := g(); err != nil: another err
            branch = f
            while branch is not None and branch.type == "if_statement":
                cond = _text(branch.child_by_field_name("condition"))
                if tests.search(cond) and fails.search(
                        _text(branch.child_by_field_name("consequence"))):
                    out.add(node.start_point[0] + 1)
                alt = branch.child_by_field_name("alternative")
                branch = alt if alt is not None and alt.type == "if_statement" else None
    return frozenset(out)

