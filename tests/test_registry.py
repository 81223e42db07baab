"""The reader registry: every type a reader asks for is declared in its TYPES, so the
Terraform prefilter (derived from them) never skips a file a reader would have read."""

from __future__ import annotations

import inspect
import re

import pytest

from cachelint.loaders import registry
from cachelint.loaders.terraform.prefilter import RELEVANT_WORDS, Facts
from cachelint.model import SourceKind

ASKED = re.compile(r"""(?:by_type|of_type)\([^)]*""")
TYPE = re.compile(r"""["']((?:aws_[a-z0-9_]+)|(?:AWS::[A-Za-z0-9]+::[A-Za-z0-9]+))["']""")


@pytest.mark.parametrize("reader", registry.READERS, ids=lambda r: r.module)
def test_every_type_a_reader_asks_for_is_registered(reader):
    source = inspect.getsource(reader.mapper)
    asked = {t for call in ASKED.findall(source) for t in TYPE.findall(call)}
    assert asked, "the reader asks for no type by name"
    assert asked <= reader.types, sorted(asked - reader.types)


def test_the_prefilter_reads_a_file_that_declares_only_a_registered_type():
    for word in registry.types(SourceKind.TERRAFORM, supporting=False):
        text = f'resource "{word}" "x" {{}}\n'
        assert Facts.of(text, False, len(text)).relevant, word
    iam = 'resource "aws_iam_role" "x" {}\n'
    assert not Facts.of(iam, False, len(iam)).relevant  # followed, not read for itself
    assert "aws_dynamodb_table" in RELEVANT_WORDS
