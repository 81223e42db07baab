# A REST API defined by an OpenAPI (YAML) body in a heredoc.
resource "aws_api_gateway_rest_api" "accounts" {
  name = "accounts"
  body = <<-EOT
    swagger: "2.0"
    info: {title: a, version: "1"}
    securityDefinitions:
      users:
        type: apiKey
        name: Authorization
        in: header
        x-amazon-apigateway-authtype: cognito_user_pools
        x-amazon-apigateway-authorizer: {type: cognito_user_pools}
    paths:
      /me:
        get:
          security: [{users: []}]
          x-amazon-apigateway-integration:
            type: http_proxy
            cacheKeyParameters: [method.request.querystring.v, method.request.header.Authorization]
  EOT
}

resource "aws_api_gateway_stage" "prod" {
  rest_api_id           = aws_api_gateway_rest_api.accounts.id
  deployment_id         = "d1"
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
    cache_ttl_in_seconds                       = 120
    cache_data_encrypted                       = true
    require_authorization_for_cache_control    = true
    unauthorized_cache_control_header_strategy = "FAIL_WITH_403"
  }
}
