resource "aws_dynamodb_table" "orders" {
  name         = var.name
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "order_id"

  attribute {
    name = "order_id"
    type = "S"
  }

  stream_enabled   = true
  stream_view_type = "NEW_AND_OLD_IMAGES"
}

resource "aws_dax_parameter_group" "orders" {
  name = var.name

  parameters {
    name  = "record-ttl-millis"
    value = var.record_ttl_ms
  }

  parameters {
    name  = "query-ttl-millis"
    value = "60000"
  }
}

resource "aws_iam_role" "dax" {
  name = "${var.name}-dax"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "dax.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy" "dax" {
  role = aws_iam_role.dax.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:BatchGetItem", "dynamodb:PutItem"]
      Resource = [aws_dynamodb_table.orders.arn]
    }]
  })
}

resource "aws_dax_cluster" "orders" {
  cluster_name         = var.name
  iam_role_arn         = aws_iam_role.dax.arn
  node_type            = "dax.t3.small"
  replication_factor   = var.nodes
  parameter_group_name = aws_dax_parameter_group.orders.name

  cluster_endpoint_encryption_type = "TLS"

  server_side_encryption {
    enabled = true
  }
}
