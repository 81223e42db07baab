# Failover asked for on one node: AWS refuses to create the group (failover needs a replica).
resource "aws_elasticache_replication_group" "one_node" {
  replication_group_id       = "one-node"
  description                = "application cache"
  engine                     = "redis"
  node_type                  = "cache.t4g.small"
  num_cache_clusters         = 1
  automatic_failover_enabled = true # expect: CL303
  at_rest_encryption_enabled = true
  transit_encryption_enabled = true
}
