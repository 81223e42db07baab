variable "nodes" {
  type = number
}

resource "aws_elasticache_replication_group" "cache" {
  replication_group_id       = "app-cache"
  description                = "application cache"
  engine                     = "redis"
  node_type                  = "cache.t4g.small"
  num_cache_clusters         = var.nodes
  automatic_failover_enabled = var.nodes > 1 # expect: CL303
  at_rest_encryption_enabled = true
  transit_encryption_enabled = true
}
