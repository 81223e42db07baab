# ElastiCache memcached cache sessions, written by `cachelint generate --layer elasticache`.
# Memcached nodes spread across Availability Zones, TLS in transit (engine 1.6.12 and later).
# Memcached has no replicas, no encryption at rest and no AUTH here: the security group is the
# only gate. Use --engine valkey when any of these matters.

locals {
  tags          = merge(var.tags, { "managed-by" = "cachelint" })
  alarm_actions = var.alarm_sns_topic_arn == null ? [] : [var.alarm_sns_topic_arn]
  node_ids      = [for node in range(1, var.node_count + 1) : format("%04d", node)]
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
  from_port                    = 11211
  to_port                      = 11211
  referenced_security_group_id = each.value
}

resource "aws_elasticache_subnet_group" "this" {
  name        = var.name
  description = "Subnets of ${var.name}"
  subnet_ids  = var.subnet_ids
  tags        = local.tags
}

resource "aws_elasticache_cluster" "this" {
  cluster_id                 = var.name
  engine                     = "memcached"
  engine_version             = var.engine_version
  node_type                  = var.node_type
  num_cache_nodes            = var.node_count
  az_mode                    = "cross-az"
  port                       = 11211
  subnet_group_name          = aws_elasticache_subnet_group.this.name
  security_group_ids         = [aws_security_group.this.id]
  transit_encryption_enabled = true
  auto_minor_version_upgrade = true
  maintenance_window         = var.maintenance_window
  notification_topic_arn     = var.alarm_sns_topic_arn
  apply_immediately          = false
  tags                       = local.tags
}

resource "aws_cloudwatch_metric_alarm" "cpu" {
  for_each = toset(local.node_ids)

  alarm_name          = "${var.name}-${each.value}-cpu"
  alarm_description   = "Node ${each.value} of ${var.name} is busy: latency rises; scale up or out."
  namespace           = "AWS/ElastiCache"
  metric_name         = "CPUUtilization"
  dimensions          = { CacheClusterId = aws_elasticache_cluster.this.cluster_id, CacheNodeId = each.value }
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

resource "aws_cloudwatch_metric_alarm" "evictions" {
  for_each = toset(local.node_ids)

  alarm_name          = "${var.name}-${each.value}-evictions"
  alarm_description   = "Node ${each.value} of ${var.name} evicts items before they expire: the cache is too small for its working set."
  namespace           = "AWS/ElastiCache"
  metric_name         = "Evictions"
  dimensions          = { CacheClusterId = aws_elasticache_cluster.this.cluster_id, CacheNodeId = each.value }
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

resource "aws_cloudwatch_metric_alarm" "swap" {
  for_each = toset(local.node_ids)

  alarm_name          = "${var.name}-${each.value}-swap"
  alarm_description   = "Node ${each.value} of ${var.name} swaps: memory is short and latency suffers."
  namespace           = "AWS/ElastiCache"
  metric_name         = "SwapUsage"
  dimensions          = { CacheClusterId = aws_elasticache_cluster.this.cluster_id, CacheNodeId = each.value }
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.alarm_thresholds.swap_bytes
  treat_missing_data  = "missing"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
  tags                = local.tags
}
