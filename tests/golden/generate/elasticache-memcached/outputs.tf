output "arn" {
  description = "ARN of the cluster."
  value       = aws_elasticache_cluster.this.arn
}

output "port" {
  description = "Port clients connect to (TLS)."
  value       = aws_elasticache_cluster.this.port
}

output "configuration_endpoint" {
  description = "Configuration endpoint (host:port) for auto-discovery clients; connect with TLS."
  value       = aws_elasticache_cluster.this.configuration_endpoint
}

output "node_endpoints" {
  description = "host:port of every node, for clients that shard keys themselves (pymemcache HashClient)."
  value       = [for node in aws_elasticache_cluster.this.cache_nodes : "${node.address}:${node.port}"]
}

output "security_group_id" {
  description = "Security group of the cache."
  value       = aws_security_group.this.id
}
