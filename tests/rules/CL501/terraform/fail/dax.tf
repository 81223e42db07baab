resource "aws_dax_cluster" "reads" {
  cluster_name                     = "reads"
  iam_role_arn                     = aws_iam_role.dax.arn # expect: CL501
  node_type                        = "dax.r5.large"
  parameter_group_name             = aws_dax_parameter_group.reads.name
  replication_factor               = 3
  cluster_endpoint_encryption_type = "TLS"

  server_side_encryption {
    enabled = true
  }
}

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

resource "aws_iam_role" "dax" {
  name = "dax-reads"

  inline_policy {
    name = "tables"
    policy = data.aws_iam_policy_document.tables.json
  }
}

data "aws_iam_policy_document" "tables" {
  statement {
    actions   = ["dynamodb:GetItem", "dynamodb:Query"]
    resources = [aws_dynamodb_table.balances.arn]
  }
}

resource "aws_dynamodb_table" "balances" {
  # cachelint: strongly-consistent (balances are read right after transfers)
  name         = "balances"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "account"

  attribute {
    name = "account"
    type = "S"
  }
}
