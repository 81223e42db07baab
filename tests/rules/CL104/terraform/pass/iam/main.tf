# IAM (SigV4) callers whose responses differ: caching is turned off for this method.
resource "aws_api_gateway_rest_api" "keys" {
  name = "keys"
}

resource "aws_api_gateway_resource" "keys" {
  rest_api_id = aws_api_gateway_rest_api.keys.id
  parent_id   = aws_api_gateway_rest_api.keys.root_resource_id
  path_part   = "keys"
}

resource "aws_api_gateway_method" "keys" {
  rest_api_id   = aws_api_gateway_rest_api.keys.id
  resource_id   = aws_api_gateway_resource.keys.id
  http_method   = "GET"
  authorization = "AWS_IAM"
}

resource "aws_api_gateway_integration" "keys" {
  rest_api_id          = aws_api_gateway_rest_api.keys.id
  resource_id          = aws_api_gateway_resource.keys.id
  http_method          = aws_api_gateway_method.keys.http_method
  type                 = "HTTP_PROXY"
  uri                  = "https://backend.example.com/keys"
  cache_key_parameters = []
}

resource "aws_api_gateway_stage" "prod" {
  rest_api_id           = aws_api_gateway_rest_api.keys.id
  deployment_id         = "d1"
  stage_name            = "prod"
  cache_cluster_enabled = true
  cache_cluster_size    = "0.5"
}

resource "aws_api_gateway_method_settings" "all" {
  rest_api_id = aws_api_gateway_rest_api.keys.id
  stage_name  = aws_api_gateway_stage.prod.stage_name
  method_path = "*/*"

  settings {
    caching_enabled                            = true
    cache_ttl_in_seconds                       = 60
    cache_data_encrypted                       = true
    require_authorization_for_cache_control    = true
    unauthorized_cache_control_header_strategy = "FAIL_WITH_403"
  }
}

resource "aws_api_gateway_method_settings" "keys" {
  rest_api_id = aws_api_gateway_rest_api.keys.id
  stage_name  = aws_api_gateway_stage.prod.stage_name
  method_path = "keys/GET"

  settings {
    caching_enabled = false
  }
}

# The same for every caller: cached by the stage-wide entry.
resource "aws_api_gateway_resource" "status" {
  rest_api_id = aws_api_gateway_rest_api.keys.id
  parent_id   = aws_api_gateway_rest_api.keys.root_resource_id
  path_part   = "status"
}

resource "aws_api_gateway_method" "status" {
  rest_api_id   = aws_api_gateway_rest_api.keys.id
  resource_id   = aws_api_gateway_resource.status.id
  http_method   = "GET"
  authorization = "NONE"
}
