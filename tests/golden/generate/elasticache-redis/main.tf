# ElastiCache redis cache sessions, written by `cachelint generate --layer elasticache`.
# A replication group with replicas in other Availability Zones and automatic failover (cluster
# mode optional), encrypted at rest and in transit, AUTH enforced (an AUTH token or RBAC user
# groups, checked before apply), an eviction policy fit for a cache, and alarms.

locals {
  tags          = merge(var.tags, { "managed-by" = "cachelint" })
  alarm_actions = var.alarm_sns_topic_arn == null ? [] : [var.alarm_sns_topic_arn]
  # Member cluster ids follow ElastiCache's naming: NAME-001.. without cluster mode,
  # NAME-0001-001.. (shard, node) with it.
  member_clusters = var.cluster_mode ? flatten([
    for shard in range(1, var.shard_count + 1) : [
      for node in range(1, var.replicas_per_shard + 2) : format("%s-%04d-%03d", var.name, shard, node)
    ]
  ]) : [for node in range(1, var.node_count + 1) : format("%s-%03d", var.name, node)]
}

resource "aws_security_group" "this" {
  name        = "${var.name}-cache"
  description = "ElastiCache ${var.name}: reachable from the application only"
  vpc_id      = var.vpc_id
  tags        = local.tags
}

resource "aws_vpc_security_group_ingress_rule" "clients" {
  for_each = toset(var.client_security_group_ids)

  security_group_id            = aws_security_group.this.id
  description                  = "Cache clients"
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
  referenced_security_group_id = each.value
}

resource "aws_elasticache_subnet_group" "this" {
  name        = var.name
  description = "Subnets of ${var.name}"
  subnet_ids  = var.subnet_ids
  tags        = local.tags
}

resource "aws_elasticache_parameter_group" "this" {
  name        = var.name
  family      = var.parameter_group_family
  description = "Cache settings of ${var.name}"
  tags        = local.tags

  # A cache evicts: least recently used keys go first when memory is full, whether or not
  # they carry a TTL (noeviction or volatile-* would fail writes instead).
  parameter {
    name  = "maxmemory-policy"
    value = var.maxmemory_policy
  }

  dynamic "parameter" {
    for_each = var.cluster_mode ? ["yes"] : []

    content {
      name  = "cluster-enabled"
      value = parameter.value
    }
  }
}

resource "aws_cloudwatch_log_group" "slow_log" {
  name              = "/aws/elasticache/${var.name}/slow-log"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.log_kms_key_arn
  tags              = local.tags
}

resource "aws_elasticache_replication_group" "this" {
  #checkov:skip=CKV_AWS_191:Encrypted at rest with the AWS-managed key unless kms_key_arn names a customer-managed one.
  replication_group_id       = var.name
  description                = "Cache ${var.name}"
  engine                     = "redis"
  engine_version             = var.engine_version
  node_type                  = var.node_type
  cluster_mode               = var.cluster_mode ? "enabled" : "disabled"
  num_cache_clusters         = var.cluster_mode ? null : var.node_count
  num_node_groups            = var.cluster_mode ? var.shard_count : null
  replicas_per_node_group    = var.cluster_mode ? var.replicas_per_shard : null
  port                       = 6379
  parameter_group_name       = aws_elasticache_parameter_group.this.name
  subnet_group_name          = aws_elasticache_subnet_group.this.name
  security_group_ids         = [aws_security_group.this.id]
  automatic_failover_enabled = true
  multi_az_enabled           = true
  at_rest_encryption_enabled = true
  kms_key_id                 = var.kms_key_arn
  transit_encryption_enabled = true
  transit_encryption_mode    = "required"
  auth_token                 = var.auth_token
  user_group_ids             = var.user_group_ids
  auto_minor_version_upgrade = true
  snapshot_retention_limit   = var.snapshot_retention_days
  maintenance_window         = var.maintenance_window
  notification_topic_arn     = var.alarm_sns_topic_arn
  apply_immediately          = false
  tags                       = local.tags

  log_delivery_configuration {
    destination      = aws_cloudwatch_log_group.slow_log.name
    destination_type = "cloudwatch-logs"
    log_format       = "json"
    log_type         = "slow-log"
  }

  lifecycle {
    # Without either, any client that reaches the port may read and write every key.
    precondition {
      condition     = var.auth_token != null || length(coalesce(var.user_group_ids, [])) > 0
      error_message = "Set auth_token or user_group_ids: clients must authenticate (AUTH or RBAC)."
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "engine_cpu" {
  for_each = toset(local.member_clusters)

  alarm_name          = "${each.value}-engine-cpu"
  alarm_description   = "The engine thread of ${each.value} is busy: latency rises; scale up or out."
  namespace           = "AWS/ElastiCache"
  metric_name         = "EngineCPUUtilization"
  dimensions          = { CacheClusterId = each.value }
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.alarm_thresholds.cpu_percent
  treat_missing_data  = "missing"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
  tags                = local.tags
}

resource "aws_cloudwatch_metric_alarm" "memory" {
  for_each = toset(local.member_clusters)

  alarm_name          = "${each.value}-memory"
  alarm_description   = "${each.value} uses most of its maxmemory: evictions follow; scale when the hit ratio drops too."
  namespace           = "AWS/ElastiCache"
  metric_name         = "DatabaseMemoryUsagePercentage"
  dimensions          = { CacheClusterId = each.value }
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.alarm_thresholds.memory_percent
  treat_missing_data  = "missing"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
  tags                = local.tags
}

resource "aws_cloudwatch_metric_alarm" "evictions" {
  for_each = toset(local.member_clusters)

  alarm_name          = "${each.value}-evictions"
  alarm_description   = "${each.value} evicts keys before their TTL: the cache is too small for its working set."
  namespace           = "AWS/ElastiCache"
  metric_name         = "Evictions"
  dimensions          = { CacheClusterId = each.value }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.alarm_thresholds.evictions_per_5_minutes
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
  tags                = local.tags
}

# Only replicas report ReplicationLag; the primary's alarm stays without data until a failover
# makes it a replica.
resource "aws_cloudwatch_metric_alarm" "replication_lag" {
  for_each = toset(local.member_clusters)

  alarm_name          = "${each.value}-replication-lag"
  alarm_description   = "Replica ${each.value} lags behind its primary: reads from it are stale and a failover would lose writes."
  namespace           = "AWS/ElastiCache"
  metric_name         = "ReplicationLag"
  dimensions          = { CacheClusterId = each.value }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 5
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.alarm_thresholds.replication_lag_seconds
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
  tags                = local.tags
}
