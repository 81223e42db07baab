# CloudFront distribution shop-cdn, written by `cachelint generate --layer cloudfront`.
# Static files from S3 (through Origin Access Control) are cached with explicit TTLs and a
# minimal cache key; API paths honour the origin's Cache-Control (minimum TTL 0, so no-store
# and private responses are never cached) and key on the caller's Authorization header.
# Origin Shield (optional) collapses requests so a fragile origin is not stampeded. Additional
# metrics (cache hit rate, origin latency) are on, with alarms; access logs are optional
# (standard logging v2).

locals {
  tags          = merge(var.tags, { "managed-by" = "cachelint" })
  alarm_actions = var.alarm_sns_topic_arn == null ? [] : [var.alarm_sns_topic_arn]
  dimensions    = { DistributionId = aws_cloudfront_distribution.this.id, Region = "Global" }
  # AWS managed origin request policy (same id in every account): forwards the viewer's
  # headers, cookies and query strings to the API without putting them in the cache key.
  all_viewer_except_host_header = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
}

resource "aws_cloudfront_response_headers_policy" "security" {
  name    = "${var.name}-security"
  comment = "Security headers on every response"

  security_headers_config {
    content_type_options {
      override = true
    }

    frame_options {
      frame_option = "DENY"
      override     = true
    }

    referrer_policy {
      referrer_policy = "strict-origin-when-cross-origin"
      override        = true
    }

    strict_transport_security {
      access_control_max_age_sec = 31536000
      include_subdomains         = true
      preload                    = true
      override                   = true
    }
  }
}

resource "aws_cloudfront_origin_access_control" "site" {
  name                              = var.name
  description                       = "CloudFront ${var.name} reads the site bucket"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

resource "aws_cloudfront_cache_policy" "site" {
  name        = "${var.name}-site"
  comment     = "HTML and other unversioned files: short TTL so that deploys show quickly"
  min_ttl     = 0
  default_ttl = var.site_default_ttl
  max_ttl     = var.site_max_ttl

  parameters_in_cache_key_and_forwarded_to_origin {
    enable_accept_encoding_gzip   = true
    enable_accept_encoding_brotli = true

    headers_config {
      header_behavior = "none"
    }

    cookies_config {
      cookie_behavior = "none"
    }

    query_strings_config {
      query_string_behavior = "none"
    }
  }
}

resource "aws_cloudfront_cache_policy" "assets" {
  name        = "${var.name}-assets"
  comment     = "Versioned static files: cached for long, no cookies or query strings in the key"
  min_ttl     = 1
  default_ttl = 86400
  max_ttl     = 31536000

  parameters_in_cache_key_and_forwarded_to_origin {
    enable_accept_encoding_gzip   = true
    enable_accept_encoding_brotli = true

    headers_config {
      header_behavior = "none"
    }

    cookies_config {
      cookie_behavior = "none"
    }

    query_strings_config {
      query_string_behavior = "none"
    }
  }
}

resource "aws_cloudfront_cache_policy" "api" {
  name        = "${var.name}-api"
  comment     = "API: the origin's Cache-Control decides; keyed per caller and query"
  min_ttl     = 0
  default_ttl = 0
  max_ttl     = var.api_max_ttl

  parameters_in_cache_key_and_forwarded_to_origin {
    enable_accept_encoding_gzip   = true
    enable_accept_encoding_brotli = true

    headers_config {
      header_behavior = "whitelist"

      headers {
        items = var.api_cache_key_headers
      }
    }

    cookies_config {
      cookie_behavior = "none"
    }

    query_strings_config {
      query_string_behavior = "all"
    }
  }
}

resource "aws_cloudfront_distribution" "this" {
  #checkov:skip=CKV_AWS_68:Pass web_acl_arn to attach your WAF web ACL; the web ACL is not a caching setting.
  #checkov:skip=CKV2_AWS_47:Log4j protection is a WAF rule of the web ACL passed as web_acl_arn.
  #checkov:skip=CKV_AWS_310:Origin failover needs a second origin that only you can name.
  #checkov:skip=CKV_AWS_374:Geo restriction is a business decision; set it with geo_restriction_locations.
  #checkov:skip=CKV_AWS_86:Access logs use standard logging v2 (aws_cloudwatch_log_delivery) when log_destination_arn is set, not the legacy logging_config.
  #checkov:skip=CKV_AWS_174:With acm_certificate_arn the minimum is TLSv1.2_2021; the default *.cloudfront.net certificate has a minimum CloudFront sets itself.
  enabled             = true
  is_ipv6_enabled     = true
  comment             = var.name
  default_root_object = "index.html"
  aliases             = var.aliases
  price_class         = var.price_class
  web_acl_id          = var.web_acl_arn
  http_version        = "http2and3"
  tags                = local.tags

  origin {
    origin_id                = "site"
    domain_name              = var.s3_bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.site.id

    dynamic "origin_shield" {
      for_each = var.origin_shield_region == null ? [] : [var.origin_shield_region]

      content {
        enabled              = true
        origin_shield_region = origin_shield.value
      }
    }
  }

  dynamic "origin" {
    for_each = var.api_origin_domain == null ? [] : [var.api_origin_domain]

    content {
      origin_id   = "api"
      domain_name = origin.value
      origin_path = var.api_origin_path

      custom_origin_config {
        http_port              = 80
        https_port             = 443
        origin_protocol_policy = "https-only"
        origin_ssl_protocols   = ["TLSv1.2"]
      }

      dynamic "origin_shield" {
        for_each = var.origin_shield_region == null ? [] : [var.origin_shield_region]

        content {
          enabled              = true
          origin_shield_region = origin_shield.value
        }
      }
    }
  }

  default_cache_behavior {
    target_origin_id           = "site"
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD", "OPTIONS"]
    cached_methods             = ["GET", "HEAD"]
    compress                   = true
    cache_policy_id            = aws_cloudfront_cache_policy.site.id
    response_headers_policy_id = aws_cloudfront_response_headers_policy.security.id
  }

  dynamic "ordered_cache_behavior" {
    for_each = var.static_path_patterns

    content {
      path_pattern               = ordered_cache_behavior.value
      target_origin_id           = "site"
      viewer_protocol_policy     = "redirect-to-https"
      allowed_methods            = ["GET", "HEAD"]
      cached_methods             = ["GET", "HEAD"]
      compress                   = true
      cache_policy_id            = aws_cloudfront_cache_policy.assets.id
      response_headers_policy_id = aws_cloudfront_response_headers_policy.security.id
    }
  }

  dynamic "ordered_cache_behavior" {
    for_each = var.api_origin_domain == null ? [] : [var.api_path_pattern]

    content {
      path_pattern               = ordered_cache_behavior.value
      target_origin_id           = "api"
      viewer_protocol_policy     = "https-only"
      allowed_methods            = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]
      cached_methods             = ["GET", "HEAD"]
      compress                   = true
      cache_policy_id            = aws_cloudfront_cache_policy.api.id
      origin_request_policy_id   = local.all_viewer_except_host_header
      response_headers_policy_id = aws_cloudfront_response_headers_policy.security.id
    }
  }

  restrictions {
    geo_restriction {
      restriction_type = length(var.geo_restriction_locations) == 0 ? "none" : "whitelist"
      locations        = var.geo_restriction_locations
    }
  }

  viewer_certificate {
    cloudfront_default_certificate = var.acm_certificate_arn == null
    acm_certificate_arn            = var.acm_certificate_arn
    ssl_support_method             = var.acm_certificate_arn == null ? null : "sni-only"
    minimum_protocol_version       = var.acm_certificate_arn == null ? "TLSv1" : "TLSv1.2_2021"
  }

  lifecycle {
    precondition {
      condition     = length(var.aliases) == 0 || var.acm_certificate_arn != null
      error_message = "Aliases need acm_certificate_arn: the default certificate covers *.cloudfront.net only."
    }
  }
}

# Additional metrics (cache hit rate, origin latency, error rates by status): the alarms below
# and cachelint's measured hit ratio read them. Billed per distribution per month.
resource "aws_cloudfront_monitoring_subscription" "this" {
  distribution_id = aws_cloudfront_distribution.this.id

  monitoring_subscription {
    realtime_metrics_subscription_config {
      realtime_metrics_subscription_status = "Enabled"
    }
  }
}

# Standard logging v2: CloudFront delivers its access logs through CloudWatch Logs' delivery
# API, which CloudFront serves in us-east-1 only, to an S3 bucket, log group or Firehose stream.
resource "aws_cloudwatch_log_delivery_source" "access" {
  count = var.log_destination_arn == null ? 0 : 1

  region       = "us-east-1"
  name         = "${var.name}-access"
  log_type     = "ACCESS_LOGS"
  resource_arn = aws_cloudfront_distribution.this.arn
  tags         = local.tags
}

resource "aws_cloudwatch_log_delivery_destination" "access" {
  count = var.log_destination_arn == null ? 0 : 1

  region = "us-east-1"
  name   = "${var.name}-access"
  tags   = local.tags

  delivery_destination_configuration {
    destination_resource_arn = var.log_destination_arn
  }
}

resource "aws_cloudwatch_log_delivery" "access" {
  count = var.log_destination_arn == null ? 0 : 1

  region                   = "us-east-1"
  delivery_source_name     = aws_cloudwatch_log_delivery_source.access[0].name
  delivery_destination_arn = aws_cloudwatch_log_delivery_destination.access[0].arn
  tags                     = local.tags
}

# CloudFront publishes its metrics in us-east-1: the alarms live there (and so must the topic).
resource "aws_cloudwatch_metric_alarm" "errors_5xx" {
  region              = "us-east-1"
  alarm_name          = "${var.name}-5xx-error-rate"
  alarm_description   = "Distribution ${var.name} answers with server errors (percent of requests)."
  namespace           = "AWS/CloudFront"
  metric_name         = "5xxErrorRate"
  dimensions          = local.dimensions
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.alarm_thresholds.error_rate_5xx_percent
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
  tags                = local.tags
}

resource "aws_cloudwatch_metric_alarm" "hit_rate" {
  region              = "us-east-1"
  alarm_name          = "${var.name}-cache-hit-rate"
  alarm_description   = "Few requests to ${var.name} are served from the edge cache: cache keys too fine or TTLs too short."
  namespace           = "AWS/CloudFront"
  metric_name         = "CacheHitRate"
  dimensions          = local.dimensions
  statistic           = "Average"
  period              = 900
  evaluation_periods  = 4
  comparison_operator = "LessThanThreshold"
  threshold           = var.alarm_thresholds.hit_rate_percent
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
  tags                = local.tags

  depends_on = [aws_cloudfront_monitoring_subscription.this]
}

data "aws_partition" "this" {}

# The statement that lets this distribution read the site bucket, for you to merge into the
# bucket's policy (output bucket_policy_json): writing a whole policy here would replace the
# statements the bucket already has.
data "aws_iam_policy_document" "site_bucket" {
  statement {
    sid       = "CloudFrontReadsTheSite"
    actions   = ["s3:GetObject"]
    resources = ["arn:${data.aws_partition.this.partition}:s3:::${var.s3_bucket_name}/*"]

    principals {
      type        = "Service"
      identifiers = ["cloudfront.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "AWS:SourceArn"
      values   = [aws_cloudfront_distribution.this.arn]
    }
  }
}
