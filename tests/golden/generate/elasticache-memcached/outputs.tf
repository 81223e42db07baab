output "configuration_endpoint" {
  description = "Configuration endpoint for auto-discovery clients; connect with TLS."
  value       = aws_elasticache_cluster.this.configuration_endpoint
}

output "security_group_id" {
  description = "Security group of the cache."
  value       = aws_security_group.this.id
}
