resource "aws_elasticache_parameter_group" "this" {
  name   = "${var.name}-params"
  family = "redis7"

  parameter {
    name  = "maxmemory-policy"
    value = "allkeys-lru"
  }
}

resource "aws_elasticache_replication_group" "this" {
  replication_group_id       = var.name
  description                = "shared cache"
  engine                     = "redis"
  node_type                  = "cache.t4g.small"
  parameter_group_name       = aws_elasticache_parameter_group.this.name
  num_cache_clusters         = 2
  automatic_failover_enabled = true
  multi_az_enabled           = true
  at_rest_encryption_enabled = var.at_rest_encryption_enabled
  transit_encryption_enabled = true
}
