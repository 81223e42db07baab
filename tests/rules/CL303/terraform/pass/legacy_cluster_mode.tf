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

# Provider versions before 4.0 name the node count number_cache_clusters.
resource "aws_elasticache_replication_group" "legacy_count" {
  replication_group_id          = "legacy-count"
  replication_group_description = "application cache"
  node_type                     = "cache.t4g.small"
  number_cache_clusters         = 2
  automatic_failover_enabled    = true
  at_rest_encryption_enabled    = true
  transit_encryption_enabled    = true
}
