# GET /balance is answered by a Lambda function whose code reads with DynamoDB's default
# (eventually consistent) reads; caching the method is the author's choice.
resource "aws_dynamodb_table" "balances" {
  name         = "balances"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "account"

  attribute {
    name = "account"
    type = "S"
  }
}

data "archive_file" "balance" {
  type        = "zip"
  source_dir  = "${path.module}/src"
  output_path = "${path.module}/build/balance.zip"
}

resource "aws_lambda_function" "balance" {
  function_name    = "balance"
  role             = "arn:aws:iam::123456789012:role/balance"
  runtime          = "provided.al2023"
  handler          = "bootstrap"
  filename         = data.archive_file.balance.output_path
  source_code_hash = data.archive_file.balance.output_base64sha256

  environment {
    variables = {
      TABLE_NAME = aws_dynamodb_table.balances.name
    }
  }
}

resource "aws_api_gateway_rest_api" "bank" {
  name = "bank"
}

resource "aws_api_gateway_resource" "balance" {
  rest_api_id = aws_api_gateway_rest_api.bank.id
  parent_id   = aws_api_gateway_rest_api.bank.root_resource_id
  path_part   = "balance"
}

resource "aws_api_gateway_method" "balance" {
  rest_api_id   = aws_api_gateway_rest_api.bank.id
  resource_id   = aws_api_gateway_resource.balance.id
  http_method   = "GET"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "balance" {
  rest_api_id             = aws_api_gateway_rest_api.bank.id
  resource_id             = aws_api_gateway_resource.balance.id
  http_method             = aws_api_gateway_method.balance.http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = aws_lambda_function.balance.invoke_arn
}

resource "aws_api_gateway_deployment" "bank" {
  rest_api_id = aws_api_gateway_rest_api.bank.id
}

resource "aws_api_gateway_stage" "live" {
  rest_api_id           = aws_api_gateway_rest_api.bank.id
  deployment_id         = aws_api_gateway_deployment.bank.id
  stage_name            = "live"
  cache_cluster_enabled = true
  cache_cluster_size    = "0.5"
}

resource "aws_api_gateway_method_settings" "balance" {
  rest_api_id = aws_api_gateway_rest_api.bank.id
  stage_name  = aws_api_gateway_stage.live.stage_name
  method_path = "balance/GET"

  settings {
    caching_enabled                            = true
    cache_ttl_in_seconds                       = 60
    cache_data_encrypted                       = true
    require_authorization_for_cache_control    = true
    unauthorized_cache_control_header_strategy = "FAIL_WITH_403"
  }
}
