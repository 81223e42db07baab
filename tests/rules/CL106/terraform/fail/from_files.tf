# Settings read from files in the repository: every rule sees the same instances. Both files
# turn caching off, so these stages pay for a cache cluster that nothing uses.
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
    caching_enabled      = each.value.cache
    cache_ttl_in_seconds = each.value.ttl
    cache_data_encrypted = true
  }
}

resource "aws_api_gateway_stage" "search" {
  rest_api_id           = aws_api_gateway_rest_api.catalog.id
  deployment_id         = "d1"
  stage_name            = "search"
  cache_cluster_enabled = true # expect: CL106
  cache_cluster_size    = "0.5"
}

resource "aws_api_gateway_method_settings" "search" {
  for_each    = jsondecode(file("search.json")) # relative to the root module, as Terraform reads it
  rest_api_id = aws_api_gateway_rest_api.catalog.id
  stage_name  = aws_api_gateway_stage.search.stage_name
  method_path = each.key

  settings {
    caching_enabled      = each.value
    cache_data_encrypted = true
  }
}
