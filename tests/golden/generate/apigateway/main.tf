# API Gateway stage cache shop-api-cache, written by `cachelint generate --layer apigateway`.
# Caching for a stage you already have (by its REST API id and name): every GET method caches
# for an explicit TTL, cached data is encrypted, only callers with execute-api:InvalidateCache
# may flush an entry (others get 403 instead of a stampede), and alarms watch the hit ratio,
# errors and latency. The stage itself stays yours: give it the `stage_settings` output.

locals {
  tags          = merge(var.tags, { "managed-by" = "cachelint" })
  alarm_actions = var.alarm_sns_topic_arn == null ? [] : [var.alarm_sns_topic_arn]
  dimensions    = { ApiName = var.rest_api_name, Stage = var.stage_name }
}

data "aws_partition" "this" {}

data "aws_region" "this" {}

resource "aws_cloudwatch_log_group" "access" {
  name              = "/aws/apigateway/${var.name}/access"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.log_kms_key_arn
  tags              = local.tags
}

# Every GET method of the stage ("*/*" caches GET only): explicit TTL, encrypted, and cache
# invalidation (Cache-Control: max-age=0) refused to callers without permission.
resource "aws_api_gateway_method_settings" "all" {
  rest_api_id = var.rest_api_id
  stage_name  = var.stage_name
  method_path = "*/*"

  settings {
    metrics_enabled                            = true
    logging_level                              = var.execution_logging_level
    caching_enabled                            = true
    cache_ttl_in_seconds                       = var.cache_ttl_seconds
    cache_data_encrypted                       = true
    require_authorization_for_cache_control    = true
    unauthorized_cache_control_header_strategy = "FAIL_WITH_403"
  }
}

# Per-method TTLs or exclusions: "resource/path/GET" => { ttl = 60 } or { caching = false }.
resource "aws_api_gateway_method_settings" "method" {
  #checkov:skip=CKV_AWS_225:An override may turn caching off on purpose, for a response that must be fresh.
  for_each = var.method_overrides

  rest_api_id = var.rest_api_id
  stage_name  = var.stage_name
  method_path = each.key

  settings {
    metrics_enabled                            = true
    logging_level                              = var.execution_logging_level
    caching_enabled                            = each.value.caching
    cache_ttl_in_seconds                       = each.value.ttl
    cache_data_encrypted                       = true
    require_authorization_for_cache_control    = true
    unauthorized_cache_control_header_strategy = "FAIL_WITH_403"
  }
}

# Execution logging (logging_level) and access logging write to CloudWatch Logs through one
# IAM role per account and Region, set in API Gateway's account settings; without it, applying
# a logging level fails. Create it here only if no other stack of the Region manages it.
data "aws_iam_policy_document" "api_gateway_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["apigateway.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "cloudwatch" {
  count = var.manage_account_cloudwatch_role ? 1 : 0

  name               = "${var.name}-apigateway-cloudwatch"
  assume_role_policy = data.aws_iam_policy_document.api_gateway_assume.json
  tags               = local.tags
}

resource "aws_iam_role_policy_attachment" "cloudwatch" {
  count = var.manage_account_cloudwatch_role ? 1 : 0

  role       = aws_iam_role.cloudwatch[0].name
  policy_arn = "arn:${data.aws_partition.this.partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
}

resource "aws_api_gateway_account" "this" {
  count = var.manage_account_cloudwatch_role ? 1 : 0

  cloudwatch_role_arn = aws_iam_role.cloudwatch[0].arn
  depends_on          = [aws_iam_role_policy_attachment.cloudwatch]
}

resource "aws_cloudwatch_metric_alarm" "hit_ratio" {
  alarm_name          = "${var.name}-cache-hit-ratio"
  alarm_description   = "Few requests of ${var.rest_api_name}/${var.stage_name} hit the stage cache: cache keys too fine, TTL too short, or the cache too small."
  evaluation_periods  = 4
  comparison_operator = "LessThanThreshold"
  threshold           = var.alarm_thresholds.hit_ratio_percent
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
  tags                = local.tags

  metric_query {
    id          = "ratio"
    expression  = "100 * hits / (hits + misses)"
    label       = "Cache hit ratio (%)"
    return_data = true
  }

  metric_query {
    id = "hits"

    metric {
      namespace   = "AWS/ApiGateway"
      metric_name = "CacheHitCount"
      dimensions  = local.dimensions
      stat        = "Sum"
      period      = 900
    }
  }

  metric_query {
    id = "misses"

    metric {
      namespace   = "AWS/ApiGateway"
      metric_name = "CacheMissCount"
      dimensions  = local.dimensions
      stat        = "Sum"
      period      = 900
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "errors_5xx" {
  alarm_name          = "${var.name}-5xx"
  alarm_description   = "${var.rest_api_name}/${var.stage_name} answers with server errors."
  namespace           = "AWS/ApiGateway"
  metric_name         = "5XXError"
  dimensions          = local.dimensions
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.alarm_thresholds.error_rate_5xx
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
  tags                = local.tags
}

resource "aws_cloudwatch_metric_alarm" "latency" {
  alarm_name          = "${var.name}-latency"
  alarm_description   = "${var.rest_api_name}/${var.stage_name} is slow (p90 latency)."
  namespace           = "AWS/ApiGateway"
  metric_name         = "Latency"
  dimensions          = local.dimensions
  extended_statistic  = "p90"
  period              = 300
  evaluation_periods  = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.alarm_thresholds.latency_p90_ms
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
  tags                = local.tags
}
