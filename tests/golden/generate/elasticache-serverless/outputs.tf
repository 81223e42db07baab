output "arn" {
  description = "ARN of the serverless cache."
  value       = aws_elasticache_serverless_cache.this.arn
}

output "endpoint" {
  description = "Endpoint address of the serverless cache; connect with TLS."
  value       = aws_elasticache_serverless_cache.this.endpoint[0].address
}

output "port" {
  description = "Port of the endpoint."
  value       = aws_elasticache_serverless_cache.this.endpoint[0].port
}

output "reader_endpoint" {
  description = "Reader endpoint address (reads from replicas)."
  value       = aws_elasticache_serverless_cache.this.reader_endpoint[0].address
}

output "app_user_id" {
  description = "The generated IAM-authenticated user (null when user_group_id is yours); grant elasticache:Connect on it and on the cache."
  value       = try(aws_elasticache_user.app[0].user_id, null)
}

output "security_group_id" {
  description = "Security group of the cache."
  value       = aws_security_group.this.id
}
