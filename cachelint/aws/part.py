"""One account and region of a snapshot, as the snapshot readers (``cachelint.aws.map_*``,
registered in :mod:`cachelint.loaders.registry`) read it.

Live values are facts, not declarations: every setting AWS reports is explicit, so nothing the
readers make is UNKNOWN except what could not be read. What AWS does with them (stage settings
flowing to methods, legacy cache keys, managed policies, member clusters, defaults) is the
linking layer's (:mod:`cachelint.linking`), so a deployed resource and its Terraform get the
same model and the same findings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cachelint.model import Deployed, Location, Source, SourceKind
from cachelint.values import UNKNOWN

GLOBAL = "global"  # the region name of an account's global services (CloudFront)

_TAGS = {("cachelint:consistency", "strong"): "strongly-consistent",
         ("cachelint:hot", "true"): "hot"}


class Where:
    """Sources for one account and region."""

    def __init__(self, account: str, region: str):
        self.account, self.region = account, region

    def source(self, address: str, type_: str, names: dict[str, str] | None = None,
               tags: Any = None, at: str | None = None) -> Source:
        at = at or address
        loc = Location(at, 0, 0, Deployed(at, self.account, self.region))
        marks = frozenset(mark for (k, v), mark in _TAGS.items()
                          if isinstance(tags, dict) and str(tags.get(k, "")).lower() == v)
        return Source(address, type_, loc, {}, marks, f"aws:{self.account}", dict(names or {}),
                      SourceKind.AWS)


def flag(value: Any) -> Any:
    """A boolean AWS reports; None where it reports none."""
    return value if isinstance(value, bool) else None


def number(value: Any) -> Any:
    """A number AWS reports; None where it reports none, UNKNOWN where it is not one."""
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return UNKNOWN


@dataclass(frozen=True)
class Part:
    """One region of one account (``where.region`` is :data:`GLOBAL` for its global services),
    with the whole account's record for what crosses regions (a CloudFront origin naming an
    HTTP API of another region)."""

    where: Where
    data: dict
    account: dict


def regional(parts: list[Part]) -> list[Part]:
    return [p for p in parts if p.where.region != GLOBAL]
