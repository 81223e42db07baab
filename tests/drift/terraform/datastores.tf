# The same ElastiCache, DAX and DynamoDB resources as ../cloudformation/template.yaml and
# ../account.json: tests/test_drift.py compares the model objects the three give.

resource "aws_elasticache_parameter_group" "orders" {
  name   = "ordersparams"
  family = "redis7"

  parameter {
    name  = "maxmemory-policy"
    value = "allkeys-lru"
  }
}

resource "aws_elasticache_replication_group" "orders" {
  replication_group_id       = "orders"
  description                = "orders cache"
  engine                     = "redis"
  engine_version             = "7.1"
  node_type                  = "cache.t4g.small"
  num_cache_clusters         = 2
  automatic_failover_enabled = true
  at_rest_encryption_enabled = true
  transit_encryption_enabled = true
  parameter_group_name       = aws_elasticache_parameter_group.orders.name
}

resource "aws_elasticache_replication_group" "sessions" {
  replication_group_id       = "sessions"
  description                = "sessions cache"
  engine                     = "valkey"
  engine_version             = "8.0"
  node_type                  = "cache.t4g.small"
  num_node_groups            = 2
  replicas_per_node_group    = 1
  automatic_failover_enabled = true
  at_rest_encryption_enabled = false
  transit_encryption_enabled = true
}

resource "aws_elasticache_cluster" "pages" {
  cluster_id                 = "pages"
  engine                     = "memcached"
  engine_version             = "1.6.22"
  node_type                  = "cache.t4g.small"
  num_cache_nodes            = 2
  transit_encryption_enabled = true
}

resource "aws_elasticache_serverless_cache" "carts" {
  name                 = "carts"
  engine               = "valkey"
  major_engine_version = "8"
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

  replica {
    region_name = "eu-west-1"
  }
}

resource "aws_dax_parameter_group" "reads" {
  name = "readsparams"

  parameters {
    name  = "record-ttl-millis"
    value = "0"
  }

  parameters {
    name  = "query-ttl-millis"
    value = "60000"
  }
}

resource "aws_iam_role" "dax" {
  name = "reads-dax"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "dax.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy" "dax" {
  role = aws_iam_role.dax.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["dynamodb:GetItem", "dynamodb:Query"], Resource = aws_dynamodb_table.orders.arn }]
  })
}

resource "aws_dax_cluster" "reads" {
  cluster_name                     = "reads"
  iam_role_arn                     = aws_iam_role.dax.arn
  node_type                        = "dax.t3.small"
  replication_factor               = 3
  parameter_group_name             = aws_dax_parameter_group.reads.name
  cluster_endpoint_encryption_type = "TLS"

  server_side_encryption {
    enabled = true
  }
}
