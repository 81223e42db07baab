resource "aws_elasticache_parameter_group" "sessions" {
  name   = var.name
  family = "redis7"

  # Sessions carry a TTL, and under memory pressure the least recently used go first.
  parameter {
    name  = "maxmemory-policy"
    value = "allkeys-lru"
  }
}

resource "aws_elasticache_replication_group" "sessions" {
  replication_group_id = var.name
  description          = "user sessions"
  engine               = "redis"
  engine_version       = "7.1"
  node_type            = var.node_type
  parameter_group_name = aws_elasticache_parameter_group.sessions.name

  num_cache_clusters         = 2
  automatic_failover_enabled = true
  multi_az_enabled           = true
  at_rest_encryption_enabled = true
  transit_encryption_enabled = true
}
