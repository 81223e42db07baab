output "stage_arn" {
  description = "ARN of the cached stage."
  value       = "arn:${data.aws_partition.this.partition}:apigateway:${data.aws_region.this.region}::/restapis/${var.rest_api_id}/stages/${var.stage_name}"
}

output "invoke_url" {
  description = "URL of the cached stage (HTTPS, port 443)."
  value       = "https://${var.rest_api_id}.execute-api.${data.aws_region.this.region}.${data.aws_partition.this.dns_suffix}/${var.stage_name}"
}

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
