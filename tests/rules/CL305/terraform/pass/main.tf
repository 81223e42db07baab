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
  multi_az_enabled           = true
  at_rest_encryption_enabled = true
  transit_encryption_enabled = true
}

# Redis OSS 3.2.6 is the one 3.2 version that can use TLS.
resource "aws_elasticache_replication_group" "old" {
  replication_group_id       = "old-cache"
  description                = "application cache"
  engine                     = "redis"
  engine_version             = "3.2.6"
  node_type                  = "cache.m5.large"
  num_cache_clusters         = 2
  automatic_failover_enabled = true
  at_rest_encryption_enabled = true
  transit_encryption_enabled = true
}

# An empty engine_version is unset to the provider: AWS picks the latest, which has TLS.
resource "aws_elasticache_cluster" "latest" {
  cluster_id                 = "latest"
  engine                     = "memcached"
  engine_version             = ""
  node_type                  = "cache.t4g.small"
  num_cache_nodes            = 2
  transit_encryption_enabled = true
}
