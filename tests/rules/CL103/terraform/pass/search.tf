# A search that is a POST by design: the integration maps the body's query into a request
# parameter and keys the cache on it, so only a repeat of the same search is served cached.
resource "aws_api_gateway_rest_api" "catalog" {
  name = "catalog"
}

resource "aws_api_gateway_resource" "search" {
  rest_api_id = aws_api_gateway_rest_api.catalog.id
  parent_id   = aws_api_gateway_rest_api.catalog.root_resource_id
  path_part   = "search"
}

resource "aws_api_gateway_method" "search" {
  rest_api_id   = aws_api_gateway_rest_api.catalog.id
  resource_id   = aws_api_gateway_resource.search.id
  http_method   = "POST"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "search" {
  rest_api_id             = aws_api_gateway_rest_api.catalog.id
  resource_id             = aws_api_gateway_resource.search.id
  http_method             = aws_api_gateway_method.search.http_method
  type                    = "HTTP"
  integration_http_method = "POST"
  uri                     = "https://backend.example.com/search"
  request_parameters = {
    "integration.request.header.X-Search-Query" = "method.request.body.query"
  }
  cache_key_parameters = ["integration.request.header.X-Search-Query"]
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
  method_path = "search/POST"

  settings {
    caching_enabled                            = true
    cache_ttl_in_seconds                       = 300
    cache_data_encrypted                       = true
    require_authorization_for_cache_control    = true
    unauthorized_cache_control_header_strategy = "FAIL_WITH_403"
  }
}
