# Settings read from files in the repository: the cache the stage pays for is used (no CL106),
# and every TTL is chosen.
resource "aws_api_gateway_rest_api" "catalog" {
  name = "catalog"
}

resource "aws_api_gateway_stage" "catalog" {
  rest_api_id           = aws_api_gateway_rest_api.catalog.id
  deployment_id         = "d1"
  stage_name            = "prod"
  cache_cluster_enabled = true
  cache_cluster_size    = "0.5"
}

resource "aws_api_gateway_method_settings" "catalog" {
  for_each    = yamldecode(file("${path.module}/routes.yaml"))
  rest_api_id = aws_api_gateway_rest_api.catalog.id
  stage_name  = aws_api_gateway_stage.catalog.stage_name
  method_path = each.key

  settings {
    caching_enabled                            = each.value.cache
    cache_ttl_in_seconds                       = each.value.ttl
    cache_data_encrypted                       = true
    require_authorization_for_cache_control    = true
    unauthorized_cache_control_header_strategy = "FAIL_WITH_403"
  }
}

# A file that is not in the repository (generated in CI) is unknown: no finding, no error.
resource "aws_api_gateway_method_settings" "generated" {
  for_each    = jsondecode(file("${path.module}/generated/ttls.json"))
  rest_api_id = aws_api_gateway_rest_api.catalog.id
  stage_name  = aws_api_gateway_stage.catalog.stage_name
  method_path = each.key

  settings {
    caching_enabled                            = each.value > 0
    cache_ttl_in_seconds                       = each.value
    cache_data_encrypted                       = true
    require_authorization_for_cache_control    = true
    unauthorized_cache_control_header_strategy = "FAIL_WITH_403"
  }
}
