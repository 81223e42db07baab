output "cluster_arn" {
  description = "ARN of the DAX cluster."
  value       = aws_dax_cluster.this.arn
}

output "cluster_address" {
  description = "TLS discovery endpoint for DAX clients (daxs://)."
  value       = "daxs://${aws_dax_cluster.this.cluster_address}"
}

output "port" {
  description = "Port of the TLS endpoint."
  value       = 9111
}

output "cluster_endpoint" {
  description = "Discovery endpoint host name of the cluster."
  value       = aws_dax_cluster.this.cluster_address
}

output "security_group_id" {
  description = "Security group of the cluster."
  value       = aws_security_group.this.id
}

output "role_arn" {
  description = "IAM role the cluster uses to reach its tables."
  value       = aws_iam_role.this.arn
}
