# Engines too old to encrypt in transit are reported too: the fix starts with an engine upgrade.
resource "aws_elasticache_cluster" "legacy" { # expect: CL305
  cluster_id      = "legacy"
  engine          = "memcached"
  engine_version  = "1.6.6"
  node_type       = "cache.t4g.small"
  num_cache_nodes = 2
}

resource "aws_elasticache_replication_group" "old" { # expect: CL305
  replication_group_id       = "old-cache"
  description                = "application cache"
  engine                     = "redis"
  engine_version             = "3.2.10"
  node_type                  = "cache.m5.large"
  num_cache_clusters         = 2
  automatic_failover_enabled = true
  at_rest_encryption_enabled = true
}
