resource "aws_elasticache_parameter_group" "cache" {
  name   = "cache-params"
  family = "redis7"

  parameter {
    name  = "maxmemory-policy"
    value = "allkeys-lru"
  }
}

resource "aws_elasticache_replication_group" "cache" {
  replication_group_id = "app-cache"
  description          = "application cache"
  engine               = "valkey"
  engine_version       = "7.1"
  node_type            = "cache.t4g.small"
  parameter_group_name = aws_elasticache_parameter_group.cache.name
  num_cache_clusters         = 2
  automatic_failover_enabled = true
  transit_encryption_enabled = true
}

# Node-based Memcached cannot encrypt at rest at all: not a finding.
resource "aws_elasticache_cluster" "sessions" {
  cluster_id                 = "sessions"
  engine                     = "memcached"
  engine_version             = "1.6.22"
  node_type                  = "cache.t4g.small"
  num_cache_nodes            = 2
  transit_encryption_enabled = true
}
