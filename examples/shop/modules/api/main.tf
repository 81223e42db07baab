resource "aws_api_gateway_rest_api" "this" {
  name = var.name
}

resource "aws_api_gateway_authorizer" "users" {
  name            = "users"
  rest_api_id     = aws_api_gateway_rest_api.this.id
  type            = "COGNITO_USER_POOLS"
  provider_arns   = [var.user_pool_arn]
  identity_source = "method.request.header.Authorization"
}

locals {
  # path_part => method, and whether callers must sign in
  routes = {
    products = { method = "GET", auth = "NONE" }
    me       = { method = "GET", auth = "COGNITO_USER_POOLS" }
    accounts = { method = "GET", auth = "COGNITO_USER_POOLS" }
    orders   = { method = "POST", auth = "COGNITO_USER_POOLS" }
  }
}

resource "aws_api_gateway_resource" "route" {
  for_each    = local.routes
  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_rest_api.this.root_resource_id
  path_part   = each.key
}

resource "aws_api_gateway_method" "route" {
  for_each      = local.routes
  rest_api_id   = aws_api_gateway_rest_api.this.id
  resource_id   = aws_api_gateway_resource.route[each.key].id
  http_method   = each.value.method
  authorization = each.value.auth
  authorizer_id = each.value.auth == "NONE" ? null : aws_api_gateway_authorizer.users.id
}

resource "aws_api_gateway_integration" "route" {
  for_each                = local.routes
  rest_api_id             = aws_api_gateway_rest_api.this.id
  resource_id             = aws_api_gateway_resource.route[each.key].id
  http_method             = each.value.method
  type                    = "HTTP_PROXY"
  integration_http_method = each.value.method
  uri                     = "${var.backend_url}/${each.key}"
  cache_key_parameters    = []
}

resource "aws_api_gateway_deployment" "this" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  depends_on  = [aws_api_gateway_integration.route]
}

resource "aws_api_gateway_stage" "this" {
  rest_api_id           = aws_api_gateway_rest_api.this.id
  deployment_id         = aws_api_gateway_deployment.this.id
  stage_name            = var.stage_name
  cache_cluster_enabled = true
  cache_cluster_size    = var.cache_size
}

# Cache every GET for the whole stage.
resource "aws_api_gateway_method_settings" "all" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  stage_name  = aws_api_gateway_stage.this.stage_name
  method_path = "*/*"

  settings {
    metrics_enabled                         = true
    caching_enabled                         = true
    cache_ttl_in_seconds                    = var.cache_ttl
    require_authorization_for_cache_control = false
  }
}

# "Orders are slow, cache them too."
resource "aws_api_gateway_method_settings" "orders" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  stage_name  = aws_api_gateway_stage.this.stage_name
  method_path = "orders/POST"

  settings {
    caching_enabled      = true
    cache_ttl_in_seconds = 60
    cache_data_encrypted = true
  }
}

# Left over from debugging a stale product page.
resource "aws_api_gateway_method_settings" "products" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  stage_name  = aws_api_gateway_stage.this.stage_name
  method_path = "products/GET"

  settings {
    caching_enabled      = true
    cache_ttl_in_seconds = 0
    cache_data_encrypted = true
  }
}
