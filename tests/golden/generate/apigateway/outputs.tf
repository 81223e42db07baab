output "stage_settings" {
  description = "Settings for your aws_api_gateway_stage: cache_cluster_enabled, cache_cluster_size, xray_tracing_enabled (method caching has no effect without the stage's cache cluster)."
  value = {
    cache_cluster_enabled = true
    cache_cluster_size    = var.cache_size
    xray_tracing_enabled  = var.xray_tracing_enabled
  }
}

output "access_log_destination_arn" {
  description = "Log group for the stage's access_log_settings.destination_arn."
  value       = aws_cloudwatch_log_group.access.arn
}

output "access_log_format" {
  description = "JSON access log format for the stage's access_log_settings.format."
  value       = jsonencode({ requestId = "$context.requestId", ip = "$context.identity.sourceIp", httpMethod = "$context.httpMethod", resourcePath = "$context.resourcePath", status = "$context.status", responseLatency = "$context.responseLatency", integrationLatency = "$context.integrationLatency" })
}

output "alarm_arns" {
  description = "ARNs of the cache hit ratio, 5XX and latency alarms."
  value       = [aws_cloudwatch_metric_alarm.hit_ratio.arn, aws_cloudwatch_metric_alarm.errors_5xx.arn, aws_cloudwatch_metric_alarm.latency.arn]
}
