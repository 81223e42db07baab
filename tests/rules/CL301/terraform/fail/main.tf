resource "aws_elasticache_parameter_group" "cache" {
  name   = "cache-params"
  family = "redis7"

  parameter {
    name  = "maxmemory-policy"
    value = "noeviction" # expect: CL301
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
