# The OpenAPI body is rendered by the (deprecated) template provider and read like
# templatefile(path, vars): the cached order POST is a write.
data "template_file" "api" {
  template = file("${path.module}/openapi.yaml")
  vars = {
    LAMBDA = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/search/invocations"
  }
}

resource "aws_api_gateway_rest_api" "catalog" {
  name = "catalog"
  body = data.template_file.api.rendered
}

resource "aws_api_gateway_deployment" "catalog" {
  rest_api_id = aws_api_gateway_rest_api.catalog.id
}

resource "aws_api_gateway_stage" "catalog" {
  rest_api_id           = aws_api_gateway_rest_api.catalog.id
  deployment_id         = aws_api_gateway_deployment.catalog.id
  stage_name            = "prod"
  cache_cluster_enabled = true
  cache_cluster_size    = "0.5"
}

resource "aws_api_gateway_method_settings" "search" {
  rest_api_id = aws_api_gateway_rest_api.catalog.id
  stage_name  = aws_api_gateway_stage.catalog.stage_name
  method_path = "orders/POST"

  settings {
    caching_enabled                            = true  # expect: CL103
    cache_ttl_in_seconds                       = 300
    cache_data_encrypted                       = true
    require_authorization_for_cache_control    = true
    unauthorized_cache_control_header_strategy = "FAIL_WITH_403"
  }
}

resource "aws_api_gateway_method_settings" "list" {
  rest_api_id = aws_api_gateway_rest_api.catalog.id
  stage_name  = aws_api_gateway_stage.catalog.stage_name
  method_path = "orders/GET"

  settings {
    caching_enabled                            = true
    cache_ttl_in_seconds                       = 300
    cache_data_encrypted                       = true
    require_authorization_for_cache_control    = true
    unauthorized_cache_control_header_strategy = "FAIL_WITH_403"
  }
}
