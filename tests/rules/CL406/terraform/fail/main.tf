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
  iam_role_arn                     = aws_iam_role.dax.arn # expect: CL406
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

  replica {
    region_name = "us-east-1"
  }
}

# A table made global by a replica declared apart from it (aws_dynamodb_table_replica).
resource "aws_dynamodb_table" "events" {
  name             = "events"
  billing_mode     = "PAY_PER_REQUEST"
  hash_key         = "id"
  stream_enabled   = true
  stream_view_type = "NEW_AND_OLD_IMAGES"

  attribute {
    name = "id"
    type = "S"
  }
}

resource "aws_dynamodb_table_replica" "events" {
  global_table_arn = aws_dynamodb_table.events.arn
}

resource "aws_dax_cluster" "events" {
  cluster_name                     = "events"
  iam_role_arn                     = aws_iam_role.events.arn # expect: CL406
  node_type                        = "dax.r5.large"
  parameter_group_name             = aws_dax_parameter_group.reads.name
  replication_factor               = 3
  cluster_endpoint_encryption_type = "TLS"

  server_side_encryption {
    enabled = true
  }
}

resource "aws_iam_role" "events" {
  name = "dax-events"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "dax.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy" "events" {
  role = aws_iam_role.events.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["dynamodb:GetItem", "dynamodb:Query"]
      Resource = [aws_dynamodb_table.events.arn]
    }]
  })
}
