# Lookups of existing resources, not declarations: what they leave out is unknown, so no rule
# checks them (no invented engine, no assumed "unencrypted").
data "aws_elasticache_replication_group" "existing" {
  replication_group_id = "shared-cache"
}

data "aws_elasticache_cluster" "existing" {
  cluster_id = "shared-node"
}

data "aws_dax_cluster" "existing" {
  cluster_name = "shared-dax"
}

data "aws_api_gateway_rest_api" "existing" {
  name = "shared-api"
}

data "aws_cloudfront_distribution" "existing" {
  id = "E2EXAMPLE"
}

data "aws_dynamodb_table" "existing" {
  name = "shared-table"
}
