# A parameter group with 10-second TTLs is declared beside the cluster but never attached:
# the intended TTLs never apply, and the default group's 5 minutes do.
resource "aws_dax_parameter_group" "lookups" {
  name = "lookups"

  parameters {
    name  = "record-ttl-millis"
    value = "10000"
  }

  parameters {
    name  = "query-ttl-millis"
    value = "10000"
  }
}

resource "aws_dax_cluster" "lookups" { # expect: CL402
  cluster_name                     = "lookups"
  iam_role_arn                     = "arn:aws:iam::123456789012:role/dax"
  node_type                        = "dax.r5.large"
  replication_factor               = 3
  cluster_endpoint_encryption_type = "TLS"

  server_side_encryption {
    enabled = true
  }
}
