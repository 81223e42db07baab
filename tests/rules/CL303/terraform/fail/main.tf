resource "aws_elasticache_parameter_group" "cache" {
  name   = "cache-params"
  family = "redis7"

  parameter {
    name  = "maxmemory-policy"
    value = "allkeys-lru"
  }
}

resource "aws_elasticache_replication_group" "cache" { # expect: CL303
  replication_group_id = "app-cache"
  description          = "application cache"
  engine               = "redis"
  engine_version       = "7.1"
  node_type            = "cache.t4g.small"
  parameter_group_name = aws_elasticache_parameter_group.cache.name
  num_cache_clusters         = 1
  at_rest_encryption_enabled = true
  transit_encryption_enabled = true
}

# Memcached has no replicas: a single node is not an availability finding.
resource "aws_elasticache_cluster" "sessions" {
  cluster_id                 = "sessions"
  engine                     = "memcached"
  engine_version             = "1.6.22"
  node_type                  = "cache.t4g.small"
  num_cache_nodes            = 1
  transit_encryption_enabled = true
}
