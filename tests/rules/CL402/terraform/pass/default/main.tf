# The default parameter group (5-minute TTLs) and nothing that says another TTL was wanted:
# AWS's default is a sane choice, not a defect.
resource "aws_dax_cluster" "lookups" {
  cluster_name                     = "lookups"
  iam_role_arn                     = "arn:aws:iam::123456789012:role/dax"
  node_type                        = "dax.r5.large"
  replication_factor               = 3
  cluster_endpoint_encryption_type = "TLS"

  server_side_encryption {
    enabled = true
  }
}
