"""The caching layers: one registry. A layer is its model classes (``model.Layer``), its rules
(rules/<layer>.yaml, checks/<layer>.py), its module template (templates/<layer>/) and one
entry here, which the commands read (`generate --layer`, `init`)."""

from __future__ import annotations

from dataclasses import dataclass

from cachelint.model import Layer


@dataclass(frozen=True)
class LayerSpec:
    layer: Layer
    title: str  # as AWS names the service
    rule_prefix: str  # its rules are CLnxx
    # The `cachelint generate` options its module takes (Options field names).
    module_options: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.layer.value


LAYERS: dict[str, LayerSpec] = {spec.name: spec for spec in (
    LayerSpec(Layer.APIGATEWAY, "API Gateway", "CL1", ("ttl", "cache_size", "cache_keys")),
    LayerSpec(Layer.CLOUDFRONT, "CloudFront", "CL2", ("api_path_pattern",)),
    LayerSpec(Layer.ELASTICACHE, "ElastiCache", "CL3", ("engine",)),
    LayerSpec(Layer.DAX, "DAX", "CL4", ("ttl",)),
)}
