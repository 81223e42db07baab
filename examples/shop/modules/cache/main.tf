resource "aws_elasticache_parameter_group" "sessions" {
  name   = var.name
  family = "redis7"

  # "Never lose a session."
  parameter {
    name  = "maxmemory-policy"
    value = "noeviction"
  }
}

resource "aws_elasticache_replication_group" "sessions" {
  replication_group_id = var.name
  description          = "user sessions"
  engine               = "redis"
  engine_version       = "7.1"
  node_type            = var.node_type
  num_cache_clusters   = 1
  parameter_group_name = aws_elasticache_parameter_group.sessions.name
}
