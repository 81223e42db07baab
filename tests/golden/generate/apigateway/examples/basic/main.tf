provider "aws" {
  region = "eu-west-1"
}

# A small REST API: GET /items/{id} is cached per item id and, because callers sign in, per
# caller (the Authorization header is part of the cache key).
resource "aws_api_gateway_rest_api" "shop" {
  name = "shop"

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_request_validator" "params" {
  name                        = "parameters"
  rest_api_id                 = aws_api_gateway_rest_api.shop.id
  validate_request_parameters = true
}

resource "aws_api_gateway_resource" "items" {
  rest_api_id = aws_api_gateway_rest_api.shop.id
  parent_id   = aws_api_gateway_rest_api.shop.root_resource_id
  path_part   = "items"
}

resource "aws_api_gateway_resource" "item" {
  rest_api_id = aws_api_gateway_rest_api.shop.id
  parent_id   = aws_api_gateway_resource.items.id
  path_part   = "{id}"
}

resource "aws_api_gateway_method" "get_item" {
  rest_api_id          = aws_api_gateway_rest_api.shop.id
  resource_id          = aws_api_gateway_resource.item.id
  http_method          = "GET"
  authorization        = "AWS_IAM"
  api_key_required     = false
  request_validator_id = aws_api_gateway_request_validator.params.id
  request_parameters = {
    "method.request.path.id"              = true
    "method.request.header.Authorization" = true
    "method.request.querystring.lang"     = true
  }
}

resource "aws_api_gateway_integration" "get_item" {
  rest_api_id             = aws_api_gateway_rest_api.shop.id
  resource_id             = aws_api_gateway_resource.item.id
  http_method             = aws_api_gateway_method.get_item.http_method
  type                    = "HTTP_PROXY"
  integration_http_method = "GET"
  uri                     = "https://backend.example.com/items/{id}"
  request_parameters = {
    "integration.request.path.id" = "method.request.path.id"
  }
  cache_key_parameters = ["method.request.path.id", "method.request.header.Authorization", "method.request.querystring.lang"]
}

resource "aws_api_gateway_deployment" "shop" {
  rest_api_id = aws_api_gateway_rest_api.shop.id
  depends_on  = [aws_api_gateway_integration.get_item]

  lifecycle {
    create_before_destroy = true
  }
}

# The stage stays yours; the module's stage_settings turn its cache cluster on.
resource "aws_api_gateway_stage" "prod" {
  #checkov:skip=CKV2_AWS_29:Attach your WAF web ACL to the stage with aws_wafv2_web_acl_association; it is not a caching setting.
  #checkov:skip=CKV2_AWS_51:Client certificates authenticate API Gateway to your backend; set client_certificate_id if your backend needs one.
  #checkov:skip=CKV2_AWS_4:The module's method settings set logging_level (execution_logging_level, ERROR by default) on this stage; checkov does not follow the stage name into the module.
  rest_api_id           = aws_api_gateway_rest_api.shop.id
  deployment_id         = aws_api_gateway_deployment.shop.id
  stage_name            = "prod"
  cache_cluster_enabled = module.shop_api_cache.stage_settings.cache_cluster_enabled
  cache_cluster_size    = module.shop_api_cache.stage_settings.cache_cluster_size
  xray_tracing_enabled  = module.shop_api_cache.stage_settings.xray_tracing_enabled

  access_log_settings {
    destination_arn = module.shop_api_cache.access_log_destination_arn
    format          = module.shop_api_cache.access_log_format
  }
}

module "shop_api_cache" {
  source = "../../"

  rest_api_id       = aws_api_gateway_rest_api.shop.id
  rest_api_name     = aws_api_gateway_rest_api.shop.name
  stage_name        = aws_api_gateway_stage.prod.stage_name
  cache_ttl_seconds = 300
}
