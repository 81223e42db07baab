resource "aws_elasticache_replication_group" "cache" {
  replication_group_id       = "app-cache"
  description                = "application cache"
  engine                     = "redis"
  engine_version             = "7.1"
  node_type                  = "cache.t4g.small"
  num_cache_clusters         = 2
  automatic_failover_enabled = true
  multi_az_enabled           = true
  at_rest_encryption_enabled = true
  transit_encryption_enabled = true
}

resource "aws_dynamodb_table" "products" {
  name         = "products"
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
  function_name    = "products-api"
  role             = "arn:aws:iam::123456789012:role/products-api"
  runtime          = "java21"
  handler          = "shop.Prices::handleRequest"
  filename         = data.archive_file.api.output_path
  source_code_hash = data.archive_file.api.output_base64sha256

  environment {
    variables = {
      REDIS_HOST = aws_elasticache_replication_group.cache.primary_endpoint_address
      TABLE_NAME = aws_dynamodb_table.products.name
    }
  }
}
