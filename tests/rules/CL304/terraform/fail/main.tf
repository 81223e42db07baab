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
  engine               = "redis"
  engine_version       = "7.1"
  node_type            = "cache.t4g.small"
  parameter_group_name = aws_elasticache_parameter_group.cache.name
  num_cache_clusters         = 2
  automatic_failover_enabled = true
  at_rest_encryption_enabled = false # expect: CL304
  transit_encryption_enabled = true
}

# A lookup of the same type beside the declaration is not checked; the declaration is.
data "aws_elasticache_replication_group" "existing" {
  replication_group_id = "shared-cache"
}
