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

resource "aws_ecs_task_definition" "api" {
  family                   = "orders-api"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  container_definitions = jsonencode([{
    name  = "orders-api"
    image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/orders-api:latest"
    environment = [
      { name = "ORDERS_TABLE", value = aws_dynamodb_table.orders.name },
      { name = "USERS_TABLE", value = aws_dynamodb_table.users.name },
      { name = "DAX_ENDPOINT", value = aws_dax_cluster.reads.cluster_address },
    ]
  }])
}
