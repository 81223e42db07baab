# API Gateway stage cache shop-api-cache, written by `cachelint generate --layer apigateway`.
# The stage caches GET responses for an explicit TTL; cached data is encrypted; only callers
# with execute-api:InvalidateCache may flush an entry, and others get 403 instead of a
# stampede. A stage cache bounds backend load to N calls per TTL for N distinct cache keys.

locals {
  tags = merge(var.tags, { "managed-by" = "cachelint" })
}

resource "aws_cloudwatch_log_group" "access" {
  name              = "/aws/apigateway/${var.name}/access"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.log_kms_key_arn
  tags              = local.tags
}

resource "aws_api_gateway_stage" "this" {
  #checkov:skip=CKV2_AWS_29:Attach your WAF web ACL to the stage with aws_wafv2_web_acl_association; it is not a caching setting.
  #checkov:skip=CKV2_AWS_51:Client certificates authenticate API Gateway to your backend; set client_certificate_id if your backend needs one.
  rest_api_id           = var.rest_api_id
  deployment_id         = var.deployment_id
  stage_name            = var.stage_name
  cache_cluster_enabled = true
  cache_cluster_size    = var.cache_size
  xray_tracing_enabled  = true
  tags                  = local.tags

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    format          = jsonencode({ requestId = "$context.requestId", ip = "$context.identity.sourceIp", httpMethod = "$context.httpMethod", resourcePath = "$context.resourcePath", status = "$context.status", responseLatency = "$context.responseLatency", integrationLatency = "$context.integrationLatency" })
  }
}

# Every GET method of the stage ("*/*" caches GET only): explicit TTL, encrypted, and cache
# invalidation (Cache-Control: max-age=0) refused to callers without permission.
resource "aws_api_gateway_method_settings" "all" {
  rest_api_id = var.rest_api_id
  stage_name  = aws_api_gateway_stage.this.stage_name
  method_path = "*/*"

  settings {
    metrics_enabled                            = true
    logging_level                              = "INFO"
    caching_enabled                            = true
    cache_ttl_in_seconds                       = var.cache_ttl_seconds
    cache_data_encrypted                       = true
    require_authorization_for_cache_control    = true
    unauthorized_cache_control_header_strategy = "FAIL_WITH_403"
  }
}

# Per-method TTLs or exclusions: "resource/path/GET" => { ttl = 60 } or { caching = false }.
resource "aws_api_gateway_method_settings" "method" {
  #checkov:skip=CKV_AWS_225:An override may turn caching off on purpose, for a response that must be fresh.
  for_each = var.method_overrides

  rest_api_id = var.rest_api_id
  stage_name  = aws_api_gateway_stage.this.stage_name
  method_path = each.key

  settings {
    metrics_enabled                            = true
    logging_level                              = "INFO"
    caching_enabled                            = each.value.caching
    cache_ttl_in_seconds                       = each.value.ttl
    cache_data_encrypted                       = true
    require_authorization_for_cache_control    = true
    unauthorized_cache_control_header_strategy = "FAIL_WITH_403"
  }
}
