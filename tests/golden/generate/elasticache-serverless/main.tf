# ElastiCache serverless cache sessions, written by `cachelint generate --layer elasticache`.
# A Valkey serverless cache: replicated across Availability Zones, always encrypted at rest and
# in transit, clients authenticated through an RBAC user group (IAM), usage limits so a runaway
# client cannot scale the bill, and alarms.

locals {
  tags          = merge(var.tags, { "managed-by" = "cachelint" })
  alarm_actions = var.alarm_sns_topic_arn == null ? [] : [var.alarm_sns_topic_arn]
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

# Clients authenticate: the user group holds the required "default" user, disabled, and an
# application user that signs in with IAM (no password to store).
resource "aws_elasticache_user" "default" {
  count = var.user_group_id == null ? 1 : 0

  user_id       = "${var.name}-default"
  user_name     = "default"
  engine        = "valkey"
  access_string = "off -@all"
  tags          = local.tags

  authentication_mode {
    type = "no-password-required"
  }
}

resource "aws_elasticache_user" "app" {
  count = var.user_group_id == null ? 1 : 0

  user_id       = "${var.name}-app"
  user_name     = "${var.name}-app"
  engine        = "valkey"
  access_string = var.app_access_string
  tags          = local.tags

  authentication_mode {
    type = "iam"
  }
}

resource "aws_elasticache_user_group" "this" {
  count = var.user_group_id == null ? 1 : 0

  user_group_id = var.name
  engine        = "valkey"
  user_ids      = [aws_elasticache_user.default[0].user_id, aws_elasticache_user.app[0].user_id]
  tags          = local.tags
}

resource "aws_elasticache_serverless_cache" "this" {
  name                     = var.name
  description              = "Cache ${var.name}"
  engine                   = "valkey"
  major_engine_version     = var.major_engine_version
  subnet_ids               = var.subnet_ids
  security_group_ids       = [aws_security_group.this.id]
  kms_key_id               = var.kms_key_arn
  user_group_id            = coalesce(var.user_group_id, try(aws_elasticache_user_group.this[0].user_group_id, null))
  snapshot_retention_limit = var.snapshot_retention_days
  daily_snapshot_time      = var.daily_snapshot_time
  tags                     = local.tags

  cache_usage_limits {
    data_storage {
      maximum = var.max_data_storage_gb
      unit    = "GB"
    }

    ecpu_per_second {
      maximum = var.max_ecpu_per_second
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "hit_rate" {
  alarm_name          = "${var.name}-hit-rate"
  alarm_description   = "Few reads of ${var.name} hit: keys, TTLs or the storage limit do not fit the workload."
  namespace           = "AWS/ElastiCache"
  metric_name         = "CacheHitRate"
  dimensions          = { clusterId = aws_elasticache_serverless_cache.this.name }
  statistic           = "Average"
  period              = 900
  evaluation_periods  = 4
  comparison_operator = "LessThanThreshold"
  threshold           = var.alarm_thresholds.hit_rate_percent
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
  tags                = local.tags
}

resource "aws_cloudwatch_metric_alarm" "throttled" {
  alarm_name          = "${var.name}-throttled"
  alarm_description   = "${var.name} throttles commands: it reached max_ecpu_per_second or max_data_storage_gb."
  namespace           = "AWS/ElastiCache"
  metric_name         = "ThrottledCmds"
  dimensions          = { clusterId = aws_elasticache_serverless_cache.this.name }
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 5
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
  tags                = local.tags
}

resource "aws_cloudwatch_metric_alarm" "storage" {
  alarm_name          = "${var.name}-storage"
  alarm_description   = "${var.name} nears max_data_storage_gb: writes are throttled when it is reached."
  namespace           = "AWS/ElastiCache"
  metric_name         = "BytesUsedForCache"
  dimensions          = { clusterId = aws_elasticache_serverless_cache.this.name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.max_data_storage_gb * 1000000000 * var.alarm_thresholds.memory_percent / 100
  treat_missing_data  = "missing"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
  tags                = local.tags
}
