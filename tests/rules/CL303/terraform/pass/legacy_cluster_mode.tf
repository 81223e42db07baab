# Provider versions before 4.0 write shards in a cluster_mode block: one shard with a replica
# has failover.
resource "aws_elasticache_replication_group" "sharded" {
  replication_group_id          = "sharded"
  replication_group_description = "application cache"
  node_type                     = "cache.t4g.small"
  parameter_group_name          = "default.redis6.x.cluster.on"
  automatic_failover_enabled    = true
  at_rest_encryption_enabled    = true
  transit_encryption_enabled    = true

  cluster_mode {
    replicas_per_node_group = 1
    num_node_groups         = 1
  }
}
