output "endpoint" {
  description = "Endpoint of the serverless cache; connect with TLS."
  value       = aws_elasticache_serverless_cache.this.endpoint
}

output "security_group_id" {
  description = "Security group of the cache."
  value       = aws_security_group.this.id
}
