# The same code runs in three tasks of one ECS service: three private memos, never refreshed.
resource "aws_dynamodb_table" "products" {
  name         = "products"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"

  attribute {
    name = "id"
    type = "S"
  }
}

resource "aws_ecs_task_definition" "api" {
  family                   = "products-api"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  container_definitions = jsonencode([{
    name  = "products-api"
    image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/products-api:latest"
    environment = [
      { name = "TABLE_NAME", value = aws_dynamodb_table.products.name },
    ]
  }])
}

resource "aws_ecs_service" "api" {
  name            = "products-api"
  cluster         = "arn:aws:ecs:us-east-1:123456789012:cluster/shop"
  task_definition = aws_ecs_task_definition.api.arn
  desired_count   = 3
  launch_type     = "FARGATE"
}
