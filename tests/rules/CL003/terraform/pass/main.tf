resource "aws_dax_parameter_group" "reads" {
  name = "reads"

  parameters {
    name  = "record-ttl-millis"
    value = "60000"
  }

  parameters {
    name  = "query-ttl-millis"
    value = "30000"
  }
}

resource "aws_dax_cluster" "reads" {
  cluster_name                     = "reads"
  node_type                        = "dax.t3.small"
  parameter_group_name             = aws_dax_parameter_group.reads.name
  replication_factor               = 1 # cachelint:ignore CL405 - one node is enough for the demo
  cluster_endpoint_encryption_type = "TLS"

  server_side_encryption {
    enabled = true
  }
}
