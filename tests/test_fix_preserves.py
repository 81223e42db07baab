"""Property: whatever comments, blank lines, spacing, line endings and final newline surround
the edited value, the fix changes the value's characters and not one byte more."""

from __future__ import annotations

import os
import re
import tempfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cachelint.fix.apply import FixOptions, run_fix
from cachelint.scan import ScanOptions

_words = st.text(alphabet="abcdefghij klmnop-_=:{}\"'#/", min_size=0, max_size=20)
_space = st.sampled_from(["", " ", "  ", "\t", "   "])


@st.composite
def hcl_comment(draw) -> str:
    body = draw(_words).replace("*/", "").replace("\n", "")
    return draw(st.sampled_from([f"# {body}", f"// {body}", f"/* {body} */"]))


@st.composite
def hcl_filler(draw, indent: str) -> list[str]:
    """Lines that may stand between statements: blanks, comments, unrelated attributes."""
    out = []
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["blank", "comment", "attr"]))
        if kind == "blank":
            out.append(draw(_space) if draw(st.booleans()) else "")
        elif kind == "comment":
            out.append(indent + draw(hcl_comment()))
        else:
            name = draw(st.sampled_from(["description", "tags_note", "x"]))
            out.append(f'{indent}# {name} = "{draw(_words)}"')
    return out


@st.composite
def hcl_file(draw) -> tuple[str, str]:
    """(file text, the text before the value) for a method settings block with TTL 0."""
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    trailing = draw(st.one_of(st.just(""), hcl_comment().map(lambda c: " " + c)))
    lines = draw(hcl_filler(""))
    lines += ['resource "aws_api_gateway_method_settings" "all" {' +
              draw(st.one_of(st.just(""), hcl_comment().map(lambda c: " " + c)))]
    lines += draw(hcl_filler("  "))
    lines += ['  rest_api_id = "abc"', '  stage_name  = "prod"', '  method_path = "*/*"']
    lines += draw(hcl_filler("  "))
    lines += ["  settings {"]
    lines += draw(hcl_filler("    "))
    lines += ["    caching_enabled" + draw(_space) + " =" + draw(_space) + " true" +
              draw(st.one_of(st.just(""), hcl_comment().map(lambda c: " " + c)))]
    lines += draw(hcl_filler("    "))
    before_value = "    cache_ttl_in_seconds" + draw(_space) + " =" + draw(_space) + " "
    lines += [before_value + "0" + draw(_space) + trailing]
    lines += draw(hcl_filler("    "))
    lines += ["    cache_data_encrypted = true", "  }", "}"]
    lines += draw(hcl_filler(""))
    text = eol.join(lines) + (eol if draw(st.booleans()) else "")
    return text, before_value


@st.composite
def yaml_file(draw) -> tuple[str, str]:
    eol = draw(st.sampled_from(["\n", "\r\n"]))

    def comments(indent: str) -> list[str]:
        n = draw(st.integers(0, 2))
        return [indent + "# " + draw(_words) if draw(st.booleans()) else "" for _ in range(n)]

    before_value = "          CacheTtlInSeconds:" + draw(st.sampled_from([" ", "  "]))
    value = draw(st.sampled_from(["0", "'0'", '"0"']))
    lines = comments("") + ['AWSTemplateFormatVersion: "2010-09-09"'] + comments("") + [
        "Resources:", "  Stage:", "    Type: AWS::ApiGateway::Stage" +
        draw(st.sampled_from(["", "  # the stage"])), "    Properties:"] + comments("      ") + [
        "      RestApiId: abc", "      StageName: prod", "      CacheClusterEnabled: true",
        "      MethodSettings:"] + comments("        ") + [
        "        - ResourcePath: /*", "          HttpMethod: '*'",
        "          CachingEnabled: true" + draw(st.sampled_from(["", " # on"]))] + \
        comments("          ") + [
        before_value + value + draw(st.sampled_from(["", " # debug", "   #x"]))] + \
        comments("          ") + ["          CacheDataEncrypted: true"] + comments("")
    text = eol.join(lines) + (eol if draw(st.booleans()) else "")
    return text, before_value


def _fix(name: str, text: str) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, name)
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        result = run_fix(ScanOptions(paths=(tmp,), select=("CL101",)), FixOptions(unsafe=True))
        assert [o.finding.rule.id for o in result.fixed] == ["CL101"], result.outcomes
        with open(path, encoding="utf-8", newline="") as fh:
            return fh.read()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hcl_file())
def test_hcl_fix_touches_only_the_value(case):
    text, before_value = case
    start = text.index(before_value) + len(before_value)
    assert text[start] == "0"
    assert _fix("main.tf", text) == text[:start] + "300" + text[start + 1:]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(yaml_file())
def test_yaml_fix_touches_only_the_value(case):
    text, before_value = case
    start = text.index(before_value) + len(before_value)
    token = re.match(r"'0'|\"0\"|0", text[start:]).group(0)
    quote = token[0] if token[0] in "'\"" else ""
    fixed = _fix("template.yaml", text)
    assert fixed == text[:start] + f"{quote}300{quote}" + text[start + len(token):]


@st.composite
def hcl_insertion_file(draw) -> str:
    """Method settings that cache without cache_data_encrypted, amid random formatting."""
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    lines = draw(hcl_filler(""))
    lines += ['resource "aws_api_gateway_method_settings" "all" {']
    lines += ['  rest_api_id = "abc"', '  stage_name  = "prod"', '  method_path = "*/*"']
    lines += draw(hcl_filler("  "))
    lines += ["  settings {"]
    lines += draw(hcl_filler("    "))
    lines += ["    caching_enabled" + draw(_space) + " = true" +
              draw(st.one_of(st.just(""), hcl_comment().map(lambda c: " " + c)))]
    lines += draw(hcl_filler("    "))
    lines += ["    cache_ttl_in_seconds" + draw(_space) + " = 60" +
              draw(st.one_of(st.just(""), hcl_comment().map(lambda c: " " + c)))]
    lines += ["  }", "}"]
    lines += draw(hcl_filler(""))
    return eol.join(lines) + (eol if draw(st.booleans()) else "")


def _assign_space(line: str) -> str:
    return re.sub(r"^(\s*\w+)\s*=", r"\1 =", line)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hcl_insertion_file())
def test_hcl_insertion_adds_one_line_and_keeps_the_rest(text):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "main.tf")
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        result = run_fix(ScanOptions(paths=(tmp,), select=("CL108",)), FixOptions(unsafe=True))
        assert [o.finding.rule.id for o in result.fixed] == ["CL108"]
        with open(path, encoding="utf-8", newline="") as fh:
            fixed = fh.read()
    eol = "\r\n" if "\r\n" in text else "\n"
    old, new = text.split(eol), fixed.split(eol)
    added = [i for i, line in enumerate(new) if "cache_data_encrypted" in line]
    assert len(added) == 1 and len(new) == len(old) + 1
    i = added[0]
    assert new[i].split() == ["cache_data_encrypted", "=", "true"]
    run = {i}
    for step in (-1, 1):
        j = i + step
        while 0 <= j < len(new) and re.match(r"^\s*\w+\s*=[^=]", new[j]):
            run.add(j)
            j += step
    rest = new[:i] + new[i + 1:]
    # Byte for byte, except the blanks before `=` of the assignments the new line is aligned
    # with (terraform fmt's alignment, applied only where the run was aligned already).
    for k, (before, after) in enumerate(zip(old, rest, strict=False)):
        if before != after:
            assert (k if k < i else k + 1) in run, (before, after)
            assert _assign_space(before) == _assign_space(after), (before, after)
