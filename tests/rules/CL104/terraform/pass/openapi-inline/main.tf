# A REST API defined by an OpenAPI body written inline with jsonencode.
resource "aws_lambda_function" "me" {
  function_name = "me"
  role          = "arn:aws:iam::123456789012:role/me"
  handler       = "app.handler"
  runtime       = "python3.12"
  filename      = "me.zip"
}

resource "aws_api_gateway_rest_api" "accounts" {
  name = "accounts"
  body = jsonencode({
    openapi = "3.0.1"
    info    = { title = "accounts", version = "1" }
    components = {
      securitySchemes = {
        users = {
          type                           = "apiKey"
          name                           = "Authorization"
          in                             = "header"
          "x-amazon-apigateway-authtype" = "cognito_user_pools"
          "x-amazon-apigateway-authorizer" = {
            type         = "cognito_user_pools"
            providerARNs = ["arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_example"]
          }
        }
      }
    }
    paths = {
      "/me" = {
        get = {
          security = [{ users = [] }]
          "x-amazon-apigateway-integration" = {
            type       = "aws_proxy"
            httpMethod = "POST"
            uri        = aws_lambda_function.me.invoke_arn
            cacheKeyParameters = ["method.request.header.Authorization"]
          }
        }
      }
    }
  })
}

resource "aws_api_gateway_deployment" "accounts" {
  rest_api_id = aws_api_gateway_rest_api.accounts.id
}

resource "aws_api_gateway_stage" "prod" {
  rest_api_id           = aws_api_gateway_rest_api.accounts.id
  deployment_id         = aws_api_gateway_deployment.accounts.id
  stage_name            = "prod"
  cache_cluster_enabled = true
  cache_cluster_size    = "0.5"
}

resource "aws_api_gateway_method_settings" "all" {
  rest_api_id = aws_api_gateway_rest_api.accounts.id
  stage_name  = aws_api_gateway_stage.prod.stage_name
  method_path = "*/*"

  settings {
    caching_enabled                            = true
    cache_ttl_in_seconds                       = 300
    cache_data_encrypted                       = true
    require_authorization_for_cache_control    = true
    unauthorized_cache_control_header_strategy = "FAIL_WITH_403"
  }
}
