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
      REDIS_HOST   = aws_elasticache_replication_group.cache.primary_endpoint_address
    }
  }
}
