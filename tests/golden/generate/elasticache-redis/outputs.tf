output "primary_endpoint" {
  description = "Primary endpoint (writes); connect with TLS."
  value       = aws_elasticache_replication_group.this.primary_endpoint_address
}

output "reader_endpoint" {
  description = "Reader endpoint (reads spread over replicas); connect with TLS."
  value       = aws_elasticache_replication_group.this.reader_endpoint_address
}

output "security_group_id" {
  description = "Security group of the cache."
  value       = aws_security_group.this.id
}
