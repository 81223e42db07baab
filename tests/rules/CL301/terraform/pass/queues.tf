# Redis as a job queue or store needs noeviction (an evicted key is a lost job): not reported.

resource "aws_elasticache_parameter_group" "jobs" {
  name   = "jobs-params"
  family = "redis7"
  parameter {
    name  = "maxmemory-policy"
    value = "noeviction"
  }
}

# The name says what it is.
resource "aws_elasticache_replication_group" "sidekiq" {
  replication_group_id       = "shop-sidekiq"
  description                = "background work"
  engine                     = "redis"
  node_type                  = "cache.t4g.small"
  parameter_group_name       = aws_elasticache_parameter_group.jobs.name
  num_cache_clusters         = 2
  automatic_failover_enabled = true
  at_rest_encryption_enabled = true
  transit_encryption_enabled = true
}

resource "aws_elasticache_parameter_group" "tasks" {
  name        = "tasks-params"
  family      = "redis7"
  description = "Celery broker settings"
  parameter {
    name  = "maxmemory-policy"
    value = "noeviction"
  }
}

resource "aws_elasticache_parameter_group" "ledger" {
  name   = "ledger-params"
  family = "redis7"
  parameter {
    name  = "maxmemory-policy"
    value = "noeviction"
  }
}

# Declared a store in .cachelint.yaml (stores:).
resource "aws_elasticache_replication_group" "ledger" {
  replication_group_id       = "ledger"
  description                = "balances"
  engine                     = "redis"
  node_type                  = "cache.t4g.small"
  parameter_group_name       = aws_elasticache_parameter_group.ledger.name
  num_cache_clusters         = 2
  automatic_failover_enabled = true
  at_rest_encryption_enabled = true
  transit_encryption_enabled = true
}

resource "aws_elasticache_parameter_group" "locks" { # cachelint: store
  name   = "locks-params"
  family = "redis7"
  parameter {
    name  = "maxmemory-policy"
    value = "noeviction"
  }
}

resource "aws_elasticache_parameter_group" "billing" {
  name   = "billing-params"
  family = "redis7"
  # Append-only persistence: this Redis holds state, not a cache.
  parameter {
    name  = "maxmemory-policy"
    value = "noeviction"
  }
  parameter {
    name  = "appendonly"
    value = "yes"
  }
}

resource "aws_elasticache_parameter_group" "coordination" {
  name   = "coordination-params"
  family = "valkey8"
  # Redisson locks and streams live here: evicting a key would silently break them.
  parameter {
    name  = "maxmemory-policy"
    value = "noeviction"
  }
}

# BullMQ needs keys to survive memory pressure rather than be evicted mid-job, so the
# policy is noeviction: a full Redis should fail loudly.
resource "aws_elasticache_parameter_group" "documented" {
  name   = "documented-params"
  family = "redis7"
  parameter {
    name  = "maxmemory-policy"
    value = "noeviction"
  }
}
