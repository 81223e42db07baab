"""The reader registry: every type a reader asks for is declared in its TYPES, so the
Terraform prefilter (derived from them) never skips a file a reader would have read."""

from __future__ import annotations

import inspect
import os
import re

import pytest

from cachelint.aws.snapshot import load_snapshot
from cachelint.loaders import registry
from cachelint.loaders.terraform.prefilter import RELEVANT_WORDS, Facts
from cachelint.model import ApiStage, CacheBehavior, CacheCluster, SourceKind

ASKED = re.compile(r"""(?:by_type|of_type)\([^)]*""")
TYPE = re.compile(r"""["']((?:aws_[a-z0-9_]+)|(?:AWS::[A-Za-z0-9]+::[A-Za-z0-9]+))["']""")


@pytest.mark.parametrize("reader", [r for r in registry.READERS if r.source is not SourceKind.AWS],
                         ids=lambda r: r.module)
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


@pytest.mark.parametrize("reader", registry.readers(SourceKind.AWS), ids=lambda r: r.module)
def test_a_snapshot_reader_registers_the_types_it_makes(reader):
    """A snapshot reader reads sections of a snapshot, not types: its TYPES are the types of
    the sources it makes, every one named in its code and none more."""
    source = inspect.getsource(reader.mapper)
    head, _, tail = source.partition("\nTYPES = ")
    code = head + tail.partition("\n\n")[2]  # the module without its TYPES
    assert set(TYPE.findall(code)) == reader.types


def test_the_snapshot_is_read_by_its_registered_readers(monkeypatch):
    """Every layer the file sources read, the snapshot reads, through the registry: without
    its CloudFront entry a snapshot gives no behaviour and still its other layers."""
    layers = {r.layer for r in registry.readers(SourceKind.AWS)}
    assert layers == {r.layer for r in registry.readers(SourceKind.TERRAFORM)}
    snapshot = os.path.join(os.path.dirname(__file__), "drift", "account.json")
    assert load_snapshot(snapshot).of(CacheBehavior)
    monkeypatch.setattr(registry, "READERS", tuple(
        r for r in registry.READERS if (r.source, r.layer) != (SourceKind.AWS, "cloudfront")))
    inv = load_snapshot(snapshot)
    assert not inv.errors and not inv.of(CacheBehavior)
    assert inv.of(ApiStage) and inv.of(CacheCluster)
