"""Evaluate CloudFormation intrinsic functions as far as they can be known statically.

Parameters take their override or ``Default``; ``!Ref``/``!GetAtt`` of a resource is a
:class:`Symbol` naming it; ``Conditions`` are evaluated, and an ``!If`` whose condition is unknown
is known only if both branches agree. Everything else is UNKNOWN: rules never fire on it.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

from cachelint.loaders.cloudformation.template import CfnDict, CfnList
from cachelint.values import UNKNOWN, UNREAD, Symbol, is_known


class _NoValue:
    def __repr__(self) -> str:
        return "AWS::NoValue"


NO_VALUE: Any = _NoValue()
MAX_DEPTH = 64
# A value of a parameter without AllowedValues that equals none of the literals its conditions
# compare it with (a condition that holds when the parameter is "not ''").
OTHER_VALUE = "(another value)"
_SUB_VAR = re.compile(r"\$\{([^}!][^}]*)\}")


class Template:
    def __init__(self, data: CfnDict, overrides: dict[str, str] | None = None):
        self.data = data
        self.resources = data.get("Resources") if isinstance(data.get("Resources"), dict) else {}
        self.parameters = data.get("Parameters") if isinstance(data.get("Parameters"), dict) \
            else {}
        self.mappings = data.get("Mappings") if isinstance(data.get("Mappings"), dict) else {}
        self.conditions = data.get("Conditions") if isinstance(data.get("Conditions"), dict) \
            else {}
        self.overrides = overrides or {}
        self._condition_cache: dict[str, Any] = {}
        self._in_progress: set[str] = set()

    # --- values ---------------------------------------------------------------------------------

    def value(self, raw: Any, depth: int = 0) -> Any:
        """Evaluate ``raw``; containers keep their line information."""
        if depth > MAX_DEPTH:
            return UNKNOWN
        if isinstance(raw, dict):
            if len(raw) == 1:
                (key, arg), = raw.items()
                if key == "Ref" or (isinstance(key, str) and key.startswith("Fn::")):
                    return self._intrinsic(key, arg, depth + 1)
            out = CfnDict()
            out.line, out.end_line = getattr(raw, "line", 1), getattr(raw, "end_line", 1)
            for k, v in raw.items():
                ev = self.value(v, depth + 1)
                if ev is not NO_VALUE:
                    out[k] = ev
                    if hasattr(raw, "key_lines") and k in raw.key_lines:
                        out.key_lines[k] = raw.key_lines[k]
            return out
        if isinstance(raw, list):
            out_list = CfnList()
            out_list.line, out_list.end_line = getattr(raw, "line", 1), getattr(raw, "end_line", 1)
            for i, v in enumerate(raw):
                ev = self.value(v, depth + 1)
                if ev is not NO_VALUE:
                    out_list.append(ev)
                    if hasattr(raw, "item_lines") and i < len(raw.item_lines):
                        out_list.item_lines.append(raw.item_lines[i])
            return out_list
        return raw

    def _intrinsic(self, key: str, arg: Any, depth: int) -> Any:
        if key == "Ref":
            return self.ref(arg)
        fn = key[4:]
        if fn == "GetAtt":
            parts = arg.split(".", 1) if isinstance(arg, str) else arg
            if isinstance(parts, list) and len(parts) == 2 and isinstance(parts[0], str):
                attr = self.value(parts[1], depth)
                if parts[0] in self.resources and isinstance(attr, str):
                    return Symbol(parts[0], attr)
            return UNKNOWN
        if fn == "If":
            if not (isinstance(arg, list) and len(arg) == 3):
                return UNKNOWN
            cond = self.condition(arg[0])
            if cond is True:
                return self.value(arg[1], depth)
            if cond is False:
                return self.value(arg[2], depth)
            a, b = self.value(arg[1], depth), self.value(arg[2], depth)
            return a if is_known(a) and a == b else UNKNOWN
        if fn == "Sub":
            return self._sub(arg, depth)
        if fn == "Join":
            if isinstance(arg, list) and len(arg) == 2:
                sep, items = self.value(arg[0], depth), self.value(arg[1], depth)
                if isinstance(sep, str) and isinstance(items, list) and all(
                        isinstance(i, (str, int, float)) for i in items):
                    return sep.join(str(i) for i in items)
            return UNKNOWN
        if fn == "Select":
            if isinstance(arg, list) and len(arg) == 2:
                idx, items = self.value(arg[0], depth), self.value(arg[1], depth)
                try:
                    i = int(idx)
                except (TypeError, ValueError):
                    return UNKNOWN
                if isinstance(items, list) and 0 <= i < len(items):
                    return items[i]
            return UNKNOWN
        if fn == "Split":
            if isinstance(arg, list) and len(arg) == 2:
                sep, text = self.value(arg[0], depth), self.value(arg[1], depth)
                if isinstance(sep, str) and isinstance(text, str) and sep:
                    return text.split(sep)
            return UNKNOWN
        if fn == "FindInMap":
            if isinstance(arg, list) and len(arg) >= 3:
                keys = [self.value(a, depth) for a in arg[:3]]
                if all(isinstance(k, str) for k in keys):
                    try:
                        return self.value(self.mappings[keys[0]][keys[1]][keys[2]], depth)
                    except (KeyError, TypeError):
                        if len(arg) == 4 and isinstance(arg[3], dict):
                            return self.value(arg[3].get("DefaultValue", UNKNOWN), depth)
            return UNKNOWN
        if fn in ("Equals", "And", "Or", "Not"):
            return self._condition_expr({key: arg}, depth)
        return UNKNOWN  # ImportValue, GetAZs, Base64, Cidr, Transform, ...

    def ref(self, name: Any) -> Any:
        if not isinstance(name, str):
            return UNKNOWN
        if name == "AWS::NoValue":
            return NO_VALUE
        if name in self.overrides:
            return self._typed(name, self.overrides[name])
        if name in self.parameters:
            param = self.parameters[name]
            if isinstance(param, dict) and "Default" in param:
                return self._typed(name, param["Default"])
            return UNKNOWN
        if name in self.resources:
            return Symbol(name, "Ref")
        return UNKNOWN  # pseudo parameters: AWS::Region, AWS::AccountId, ...

    def _typed(self, name: str, value: Any) -> Any:
        param = self.parameters.get(name)
        kind = param.get("Type") if isinstance(param, dict) else None
        if kind == "Number" and isinstance(value, str):
            try:
                f = float(value)
                return int(f) if f.is_integer() else f
            except ValueError:
                return UNKNOWN
        if kind == "CommaDelimitedList" and isinstance(value, str):
            return [v.strip() for v in value.split(",")]
        return value

    def text(self, raw: Any) -> Any:
        """The text of ``raw`` with each part that cannot be evaluated written as UNREAD (a
        ``!Sub`` or ``!Join`` naming ``AWS::Region``), for a reader that needs only some of a
        string; UNKNOWN where ``raw`` is not text at all."""
        if isinstance(raw, dict) and len(raw) == 1:
            (key, arg), = raw.items()
            if key == "Fn::Sub":
                return self._sub(arg, 1, partial=True)
            if key == "Fn::Join" and isinstance(arg, list) and len(arg) == 2 \
                    and isinstance(arg[1], list):
                sep = self.value(arg[0], 1)
                if isinstance(sep, str):
                    parts = [self.text(item) for item in arg[1]]
                    return sep.join(p if isinstance(p, str) else UNREAD for p in parts)
        value = self.value(raw)
        if isinstance(value, str):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        return UNKNOWN

    def _sub(self, arg: Any, depth: int, partial: bool = False) -> Any:
        variables: dict = {}
        if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], dict):
            text, variables = arg[0], arg[1]
        else:
            text = arg
        if not isinstance(text, str):
            return UNKNOWN
        result = []
        pos = 0
        for m in _SUB_VAR.finditer(text):
            result.append(text[pos:m.start()])
            name = m.group(1).strip()
            if name in variables:
                value = self.value(variables[name], depth)
            elif "." in name:
                res, attr = name.split(".", 1)
                value = Symbol(res, attr) if res in self.resources else UNKNOWN
            else:
                value = self.ref(name)
            if isinstance(value, Symbol) and len(text) == m.end() - m.start() and not partial:
                return value  # "${Bucket.Arn}" alone keeps the reference
            if not isinstance(value, (str, int, float)) or isinstance(value, bool):
                if not partial:
                    return UNKNOWN
                value = UNREAD
            result.append(str(value))
            pos = m.end()
        result.append(text[pos:])
        return "".join(result).replace("${!", "${")

    # --- conditions -----------------------------------------------------------------------------

    def condition(self, name: Any) -> Any:
        if not isinstance(name, str) or name not in self.conditions:
            return UNKNOWN
        if name in self._condition_cache:
            return self._condition_cache[name]
        if name in self._in_progress:
            return UNKNOWN
        self._in_progress.add(name)
        try:
            value = self._condition_expr(self.conditions[name], 0)
        finally:
            self._in_progress.discard(name)
        self._condition_cache[name] = value
        return value

    def _condition_expr(self, expr: Any, depth: int) -> Any:
        if depth > MAX_DEPTH or not isinstance(expr, dict) or len(expr) != 1:
            return UNKNOWN
        (key, arg), = expr.items()
        if key == "Condition":
            return self.condition(arg)
        if key == "Fn::Equals" and isinstance(arg, list) and len(arg) == 2:
            a, b = self.value(arg[0], depth + 1), self.value(arg[1], depth + 1)
            if not (is_known(a) and is_known(b)):
                return UNKNOWN
            return str(a) == str(b)
        if key == "Fn::Not" and isinstance(arg, list) and len(arg) == 1:
            v = self._condition_expr(arg[0], depth + 1)
            return UNKNOWN if v is UNKNOWN else not v
        if key in ("Fn::And", "Fn::Or") and isinstance(arg, list):
            values = [self._condition_expr(a, depth + 1) for a in arg]
            decisive = key == "Fn::Or"
            if any(v is decisive for v in values):
                return decisive
            return (not decisive) if all(isinstance(v, bool) for v in values) else UNKNOWN
        return UNKNOWN

    def _condition_parameters(self, expr: Any, seen: set[str], depth: int = 0) -> dict:
        """Parameters a condition expression reads, each with the literals it is compared
        with (``Fn::Equals`` of its ``Ref`` and a string)."""
        found: dict[str, set[str]] = {}
        if depth > MAX_DEPTH:
            return found

        def merge(part: Any) -> None:
            for name, lits in self._condition_parameters(part, seen, depth + 1).items():
                found.setdefault(name, set()).update(lits)

        if isinstance(expr, dict):
            for key, arg in expr.items():
                if key == "Condition" and isinstance(arg, str) and arg not in seen \
                        and arg in self.conditions:
                    seen.add(arg)
                    merge(self.conditions[arg])
                elif key == "Ref" and isinstance(arg, str) and arg in self.parameters:
                    found.setdefault(arg, set())
                elif key == "Fn::Equals" and isinstance(arg, list) and len(arg) == 2:
                    for a, b in (arg, arg[::-1]):
                        if isinstance(a, dict) and set(a) == {"Ref"} \
                                and a["Ref"] in self.parameters \
                                and isinstance(b, (str, int, float)) \
                                and not isinstance(b, bool):
                            found.setdefault(a["Ref"], set()).add(str(b))
                    for part in arg:
                        merge(part)
                else:
                    merge(arg)
        elif isinstance(expr, list):
            for item in expr:
                merge(item)
        return found

    def describe(self, assignment: dict[str, str], name: str) -> str:
        """``when condition X holds: P = v, Q other than ''`` for messages."""
        literals = self._condition_parameters(self.conditions.get(name), {name})
        parts = []
        for param, value in sorted(assignment.items()):
            if value == OTHER_VALUE:
                spec = self.parameters.get(param)
                default = spec.get("Default") if isinstance(spec, dict) else None
                avoid = sorted(set(literals.get(param, ())) | (
                    {str(default)} if default is not None else set()))
                parts.append(f"{param} other than " + " or ".join(repr(v) for v in avoid)
                             if avoid else f"{param} set")
            else:
                parts.append(f"{param} = {value}")
        return f"when condition {name} holds: {', '.join(parts)}"

    def can_change(self, name: Any) -> bool:
        """Whether condition ``name``, known at the defaults, flips under other parameter
        values a deployer may choose: a value chosen by it depends on the deployment."""
        now = self.condition(name)
        return isinstance(now, bool) and self.satisfying(name, want=not now) is not None

    def satisfying(self, name: str, want: bool = True) -> dict[str, str] | None:
        """Parameter values, other than the defaults, under which condition ``name`` holds
        (or, with ``want`` False, does not):
        the fewest changed parameters, each taking one of its ``AllowedValues`` or a literal
        the condition compares it with. None when no such values are found (a parameter given
        on the command line is never changed)."""
        if not isinstance(name, str) or name not in self.conditions:
            return None
        params = self._condition_parameters(self.conditions[name], {name})
        choices: list[tuple[str, list[str]]] = []
        for param, literals in sorted(params.items()):
            if param in self.overrides:
                continue
            spec = self.parameters.get(param)
            allowed = spec.get("AllowedValues") if isinstance(spec, dict) else None
            # A literal outside AllowedValues cannot be chosen.
            values = [str(v) for v in allowed] if isinstance(allowed, list) else sorted(literals)
            default = spec.get("Default") if isinstance(spec, dict) else None
            values = [v for v in values if default is None or v != str(default)]
            if not isinstance(allowed, list):
                values.append(OTHER_VALUE)  # a free parameter can differ from every literal
            if values:
                choices.append((param, values[:16]))
        tried = 0
        for size in range(1, min(len(choices), 3) + 1):
            for combo in itertools.combinations(choices, size):
                for picked in itertools.product(*(vals for _, vals in combo)):
                    tried += 1
                    if tried > 512:
                        return None
                    assignment = {param: v for (param, _), v in zip(combo, picked, strict=True)}
                    other = Template(self.data, {**self.overrides, **assignment})
                    if other.condition(name) is want:
                        return assignment
        return None

    def resource_exists(self, resource: dict) -> Any:
        cond = resource.get("Condition")
        return True if cond is None else self.condition(cond)
