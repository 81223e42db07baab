# The API's author asks DynamoDB for the latest write (ConsistentRead, a transaction); the
# stage caches the answers anyway. No declaration: the integrations say it.
variable "region" {
  type = string
}

resource "aws_dynamodb_table" "ledger" {
  name         = "ledger"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "account"

  attribute {
    name = "account"
    type = "S"
  }
}

resource "aws_api_gateway_rest_api" "ledger" {
  name = "ledger"
}

resource "aws_api_gateway_resource" "balance" {
  rest_api_id = aws_api_gateway_rest_api.ledger.id
  parent_id   = aws_api_gateway_rest_api.ledger.root_resource_id
  path_part   = "balance"
}

resource "aws_api_gateway_method" "balance" {
  rest_api_id   = aws_api_gateway_rest_api.ledger.id
  resource_id   = aws_api_gateway_resource.balance.id
  http_method   = "GET"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "balance" {
  rest_api_id             = aws_api_gateway_rest_api.ledger.id
  resource_id             = aws_api_gateway_resource.balance.id
  http_method             = aws_api_gateway_method.balance.http_method
  type                    = "AWS"
  integration_http_method = "POST"
  uri                     = "arn:aws:apigateway:${var.region}:dynamodb:action/GetItem"
  request_templates = {
    "application/json" = jsonencode({
      TableName      = aws_dynamodb_table.ledger.name
      Key            = { account = { S = "$input.params('account')" } }
      ConsistentRead = true
    })
  }
}

resource "aws_api_gateway_resource" "entries" {
  rest_api_id = aws_api_gateway_rest_api.ledger.id
  parent_id   = aws_api_gateway_rest_api.ledger.root_resource_id
  path_part   = "entries"
}

resource "aws_api_gateway_method" "entries" {
  rest_api_id   = aws_api_gateway_rest_api.ledger.id
  resource_id   = aws_api_gateway_resource.entries.id
  http_method   = "GET"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "entries" {
  rest_api_id             = aws_api_gateway_rest_api.ledger.id
  resource_id             = aws_api_gateway_resource.entries.id
  http_method             = aws_api_gateway_method.entries.http_method
  type                    = "AWS"
  integration_http_method = "POST"
  uri                     = "arn:aws:apigateway:${var.region}:dynamodb:action/Query"
  request_templates = {
    "application/json" = <<-EOT
      {
        "TableName": "${aws_dynamodb_table.ledger.name}",
        "KeyConditionExpression": "account = :a",
        "ExpressionAttributeValues": {":a": {"S": "$input.params('account')"}},
        "ConsistentRead": true
      }
    EOT
  }
}

resource "aws_api_gateway_resource" "statement" {
  rest_api_id = aws_api_gateway_rest_api.ledger.id
  parent_id   = aws_api_gateway_rest_api.ledger.root_resource_id
  path_part   = "statement"
}

resource "aws_api_gateway_method" "statement" {
  rest_api_id   = aws_api_gateway_rest_api.ledger.id
  resource_id   = aws_api_gateway_resource.statement.id
  http_method   = "GET"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "statement" {
  rest_api_id             = aws_api_gateway_rest_api.ledger.id
  resource_id             = aws_api_gateway_resource.statement.id
  http_method             = aws_api_gateway_method.statement.http_method
  type                    = "AWS"
  integration_http_method = "POST"
  uri                     = "arn:aws:apigateway:${var.region}:dynamodb:action/TransactGetItems"
}

resource "aws_api_gateway_deployment" "ledger" {
  rest_api_id = aws_api_gateway_rest_api.ledger.id
}

resource "aws_api_gateway_stage" "ledger" {
  rest_api_id           = aws_api_gateway_rest_api.ledger.id
  deployment_id         = aws_api_gateway_deployment.ledger.id
  stage_name            = "live"
  cache_cluster_enabled = true
  cache_cluster_size    = "0.5"
}

resource "aws_api_gateway_method_settings" "balance" {
  rest_api_id = aws_api_gateway_rest_api.ledger.id
  stage_name  = aws_api_gateway_stage.ledger.stage_name
  method_path = "balance/GET"

  settings {
    caching_enabled                            = true # expect: CL501
    cache_ttl_in_seconds                       = 60
    cache_data_encrypted                       = true
    require_authorization_for_cache_control    = true
    unauthorized_cache_control_header_strategy = "FAIL_WITH_403"
  }
}

resource "aws_api_gateway_method_settings" "entries" {
  rest_api_id = aws_api_gateway_rest_api.ledger.id
  stage_name  = aws_api_gateway_stage.ledger.stage_name
  method_path = "entries/GET"

  settings {
    caching_enabled                            = true # expect: CL501
    cache_ttl_in_seconds                       = 60
    cache_data_encrypted                       = true
    require_authorization_for_cache_control    = true
    unauthorized_cache_control_header_strategy = "FAIL_WITH_403"
  }
}

resource "aws_api_gateway_method_settings" "statement" {
  rest_api_id = aws_api_gateway_rest_api.ledger.id
  stage_name  = aws_api_gateway_stage.ledger.stage_name
  method_path = "statement/GET"

  settings {
    caching_enabled                            = true # expect: CL501
    cache_ttl_in_seconds                       = 60
    cache_data_encrypted                       = true
    require_authorization_for_cache_control    = true
    unauthorized_cache_control_header_strategy = "FAIL_WITH_403"
  }
}
