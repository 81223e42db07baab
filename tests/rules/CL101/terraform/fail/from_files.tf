# Settings read from files in the repository: every rule sees the same instances.
resource "aws_api_gateway_rest_api" "catalog" {
  name = "catalog"
}

resource "aws_api_gateway_stage" "catalog" {
  rest_api_id           = aws_api_gateway_rest_api.catalog.id
  deployment_id         = "d1"
  stage_name            = "prod"
  cache_cluster_enabled = true # expect: CL106
  cache_cluster_size    = "0.5"
}

resource "aws_api_gateway_method_settings" "catalog" {
  for_each    = yamldecode(file("${path.module}/routes.yaml"))
  rest_api_id = aws_api_gateway_rest_api.catalog.id
  stage_name  = aws_api_gateway_stage.catalog.stage_name
  method_path = each.key

  settings {
    caching_enabled                            = each.value.cache
    cache_ttl_in_seconds                       = each.value.ttl # expect: CL101
    cache_data_encrypted                       = true
    require_authorization_for_cache_control    = true
    unauthorized_cache_control_header_strategy = "FAIL_WITH_403"
  }
}

resource "aws_api_gateway_method_settings" "search" {
  for_each    = jsondecode(file("search.json")) # relative to the root module, as Terraform reads it
  rest_api_id = aws_api_gateway_rest_api.catalog.id
  stage_name  = aws_api_gateway_stage.catalog.stage_name
  method_path = each.key

  settings {
    caching_enabled                            = true
    cache_ttl_in_seconds                       = each.value # expect: CL101
    cache_data_encrypted                       = true
    require_authorization_for_cache_control    = true
    unauthorized_cache_control_header_strategy = "FAIL_WITH_403"
  }
}
