output "arn" {
  description = "ARN of the replication group."
  value       = aws_elasticache_replication_group.this.arn
}

output "port" {
  description = "Port clients connect to (TLS required)."
  value       = aws_elasticache_replication_group.this.port
}

output "primary_endpoint" {
  description = "Primary endpoint (writes) without cluster mode; null with it. Connect with TLS."
  value       = aws_elasticache_replication_group.this.primary_endpoint_address
}

output "reader_endpoint" {
  description = "Reader endpoint (reads spread over replicas) without cluster mode; null with it."
  value       = aws_elasticache_replication_group.this.reader_endpoint_address
}

output "configuration_endpoint" {
  description = "Configuration endpoint for cluster-mode clients; null without cluster mode."
  value       = aws_elasticache_replication_group.this.configuration_endpoint_address
}

output "security_group_id" {
  description = "Security group of the cache."
  value       = aws_security_group.this.id
}
