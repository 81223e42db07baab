"""The Terraform expression evaluator: what a careful reader can know, and UNKNOWN otherwise."""

from __future__ import annotations

import pytest

from cachelint.loaders.terraform.evaluate import MAX_DEPTH, evaluate
from cachelint.loaders.terraform.hcl import parse_expression
from cachelint.values import UNKNOWN, Symbol


class Names:
    def __init__(self, **names):
        self.names = names

    def lookup(self, name):
        return self.names.get(name, UNKNOWN)


class Unset:
    """Like Terraform's ``var``: a variable with no value is unknown, not an error."""

    def attribute(self, name):
        return UNKNOWN


def ev(text, **names):
    return evaluate(parse_expression(text), Names(**names))


@pytest.mark.parametrize("text, expected", [
    ("1 + 2 * 3", 7),
    ("(1 + 2) * 3", 9),
    ("10 / 4", 2.5),
    ("7 % 3", 1),
    ("-5 + 2", -3),
    ("\"a-${1 + 1}-b\"", "a-2-b"),
    ("true && !false", True),
    ("1 == 1 ? \"yes\" : \"no\"", "yes"),
    ("[for s in [\"a\", \"b\"] : upper(s)]", ["A", "B"]),
    ("{for k, v in {a = 1, b = 2} : k => v * 10 if v > 1}", {"b": 20}),
    ("merge({a = 1}, {b = 2})", {"a": 1, "b": 2}),
    ("lookup({a = 1}, \"b\", 3)", 3),
    ("length([1, 2, 3])", 3),
    ("format(\"%s-%d\", \"x\", 4)", "x-4"),
    ("join(\",\", [\"a\", \"b\"])", "a,b"),
    ("coalesce(\"\", \"x\")", "x"),
    ("try(tonumber(\"12\"), 0)", 12),
    ("max(3, 9, 1)", 9),
    ("[1, 2][1]", 2),
    ("{a = {b = 5}}.a.b", 5),
    ("[{x = 1}, {x = 2}][*].x", [1, 2]),
    ("jsonencode({b = 1, a = [true]})", '{"a":[true],"b":1}'),
    ("\"$${literal}\"", "${literal}"),
])
def test_known_values(text, expected):
    assert ev(text) == expected


@pytest.mark.parametrize("text", [
    "var.missing",
    "var.missing + 1",
    "var.missing == 1",
    "upper(var.missing)",
    "file(\"policy.json\")",
    "timestamp()",
    "[1, 2][5]",
    "\"x-${var.missing}\"",
])
def test_unknown_values(text):
    assert ev(text, var=Unset()) is UNKNOWN


def test_condition_on_unknown_with_equal_branches_is_known():
    assert ev("var.missing ? 300 : 300", var=Unset()) == 300
    assert ev("var.missing ? 300 : 0", var=Unset()) is UNKNOWN


def test_short_circuit_logic_with_unknown():
    assert ev("false && var.missing", var=Unset()) is False
    assert ev("true || var.missing", var=Unset()) is True
    assert ev("true && var.missing", var=Unset()) is UNKNOWN


def test_symbol_attributes_stay_symbols():
    sym = Symbol("aws_x.y", "id")
    assert ev("r.arn", r=type("R", (), {"attribute": lambda self, n: Symbol("aws_x.y", n)})()) \
        == Symbol("aws_x.y", "arn")
    assert ev("\"${s}\"", s=sym) == sym  # a lone interpolation keeps its value
    assert ev("\"a-${s}\"", s=sym) is UNKNOWN


@pytest.mark.parametrize("text, expected", [
    ('try(local.m["missing"], "fallback")', "fallback"),
    ('try(coalesce(null, null), "fallback")', "fallback"),
    ('try(local.m.missing.deeper, null)', None),
    ('try(local.l[5], local.l[0])', "a"),
    ('try(local.m["a"], "fallback")', 1),
    ('can(local.m["missing"])', False),
    ('can(local.m["a"])', True),
    ('length([var.unknown, "a"])', 2),
    ('length({a = var.unknown})', 1),
    ('length(concat([var.unknown], ["b"])) > 0 ? "some" : "none"', "some"),
    ('lookup({a = var.unknown, b = 2}, "b")', 2),
])
def test_errors_are_seen_by_try_and_can(text, expected):
    local = {"m": {"a": 1}, "l": ["a"]}
    assert ev(text, local=local, var=Unset()) == expected


@pytest.mark.parametrize("text", [
    'try(var.unknown, "fallback")',     # could succeed or fail
    'local.m["missing"]',               # an error outside try() is unknown, never a crash
    'coalesce(null, null)',
    'can(var.unknown)',
])
def test_unknown_or_error_outside_try_is_unknown(text):
    assert ev(text, local={"m": {}}, var=Unset()) is UNKNOWN


def _innermost(value):
    depth = 0
    while isinstance(value, list):
        value, depth = value[0], depth + 1
    return depth, value


def test_deep_nesting_is_bounded():
    """Within MAX_DEPTH a nested value is evaluated whole; deeper, the evaluator stops at the
    bound (what lies below is UNKNOWN) rather than recursing as deep as the input goes."""
    assert _innermost(ev("[" * 10 + "1" + "]" * 10)) == (10, 1)
    assert _innermost(ev("[" * 200 + "1" + "]" * 200)) == (MAX_DEPTH + 1, UNKNOWN)
