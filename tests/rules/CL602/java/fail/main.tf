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
  iam_role_arn                     = aws_iam_role.dax.arn
  node_type                        = "dax.r5.large"
  parameter_group_name             = aws_dax_parameter_group.reads.name
  replication_factor               = 3
  cluster_endpoint_encryption_type = "TLS"

  server_side_encryption {
    enabled = true
  }
}

resource "aws_iam_role" "dax" {
  name = "dax-reads"
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
      Action   = ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:BatchGetItem"]
      Resource = [aws_dynamodb_table.orders.arn]
    }]
  })
}

resource "aws_dynamodb_table" "orders" {
  name         = "orders"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"

  attribute {
    name = "id"
    type = "S"
  }
}

resource "aws_dynamodb_table" "users" {
  name         = "users"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"

  attribute {
    name = "id"
    type = "S"
  }
}

data "archive_file" "api" {
  type        = "zip"
  source_dir  = "${path.module}/src"
  output_path = "${path.module}/build/api.zip"
}

resource "aws_lambda_function" "api" {
  function_name    = "orders-api"
  role             = "arn:aws:iam::123456789012:role/orders-api"
  runtime          = "python3.12"
  handler          = "app.handler"
  filename         = data.archive_file.api.output_path
  source_code_hash = data.archive_file.api.output_base64sha256

  environment {
    variables = {
      ORDERS_TABLE = aws_dynamodb_table.orders.name
      USERS_TABLE  = aws_dynamodb_table.users.name
      DAX_ENDPOINT = aws_dax_cluster.reads.cluster_address
    }
  }
}
