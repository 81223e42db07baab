# A REST API defined by an OpenAPI file rendered with templatefile.
variable "authorizer_arn" {
  type = string
}

resource "aws_api_gateway_rest_api" "reports" {
  name = "reports"
  body = templatefile("${path.module}/openapi.yaml", {
    authorizer_arn = var.authorizer_arn
    backend        = "https://backend.example.com"
  })
}

resource "aws_api_gateway_deployment" "reports" {
  rest_api_id = aws_api_gateway_rest_api.reports.id
}

resource "aws_api_gateway_stage" "prod" {
  rest_api_id           = aws_api_gateway_rest_api.reports.id
  deployment_id         = aws_api_gateway_deployment.reports.id
  stage_name            = "prod"
  cache_cluster_enabled = true
  cache_cluster_size    = "0.5"
}

resource "aws_api_gateway_method_settings" "all" {
  rest_api_id = aws_api_gateway_rest_api.reports.id
  stage_name  = aws_api_gateway_stage.prod.stage_name
  method_path = "*/*"

  settings {
    caching_enabled                            = true
    cache_ttl_in_seconds                       = 600
    cache_data_encrypted                       = true
    require_authorization_for_cache_control    = true
    unauthorized_cache_control_header_strategy = "FAIL_WITH_403"
  }
}
