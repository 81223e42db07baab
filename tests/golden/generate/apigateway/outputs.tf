output "stage_name" {
  description = "Name of the caching stage."
  value       = aws_api_gateway_stage.this.stage_name
}

output "invoke_url" {
  description = "URL of the stage."
  value       = aws_api_gateway_stage.this.invoke_url
}

output "access_log_group" {
  description = "CloudWatch log group of the stage's access log."
  value       = aws_cloudwatch_log_group.access.name
}
