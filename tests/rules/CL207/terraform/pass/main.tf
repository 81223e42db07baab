resource "aws_s3_bucket" "site" {
  bucket = "example-site-assets"
}

resource "aws_cloudfront_origin_request_policy" "locale" {
  name = "locale-only"
  cookies_config {
    cookie_behavior = "whitelist"
    cookies {
      items = ["locale"]
    }
  }
  headers_config {
    header_behavior = "none"
  }
  query_strings_config {
    query_string_behavior = "none"
  }
}

resource "aws_cloudfront_cache_policy" "locale" {
  name        = "by-locale"
  min_ttl     = 1
  default_ttl = 300
  max_ttl     = 3600
  parameters_in_cache_key_and_forwarded_to_origin {
    headers_config {
      header_behavior = "none"
    }
    cookies_config {
      cookie_behavior = "whitelist"
      cookies {
        items = ["locale"]
      }
    }
    query_strings_config {
      query_string_behavior = "none"
    }
  }
}

resource "aws_cloudfront_distribution" "app" {
  enabled = true

  origin {
    origin_id   = "site"
    domain_name = aws_s3_bucket.site.bucket_regional_domain_name
  }

  origin {
    origin_id   = "app"
    domain_name = "app.example.com"
    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }

  # CachingOptimized over public content, nothing per viewer forwarded: not a finding.
  default_cache_behavior {
    target_origin_id       = "site"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    cache_policy_id        = "658327ea-f89d-4fab-a63d-7e88639e58f6"
  }

  # The origin receives only the cookie the key holds.
  ordered_cache_behavior {
    path_pattern             = "/catalog/*"
    target_origin_id         = "app"
    viewer_protocol_policy   = "https-only"
    allowed_methods          = ["GET", "HEAD"]
    cached_methods           = ["GET", "HEAD"]
    cache_policy_id          = aws_cloudfront_cache_policy.locale.id
    origin_request_policy_id = aws_cloudfront_origin_request_policy.locale.id
  }

  # A per-user path keyed on the session cookie: each session has its own entries.
  ordered_cache_behavior {
    path_pattern           = "/account/*"
    target_origin_id       = "app"
    viewer_protocol_policy = "https-only"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    min_ttl                = 30
    default_ttl            = 60
    max_ttl                = 300

    forwarded_values {
      query_string = false
      cookies {
        forward           = "whitelist"
        whitelisted_names = ["session"]
      }
    }
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    cloudfront_default_certificate = true
  }
}

# Public files about users (avatars) are static, not per-viewer pages.
resource "aws_cloudfront_distribution" "avatars" {
  enabled = true

  origin {
    origin_id   = "app"
    domain_name = "app.example.com"
    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }

  default_cache_behavior {
    target_origin_id       = "app"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    cache_policy_id        = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad" # Managed-CachingDisabled
  }

  ordered_cache_behavior {
    path_pattern           = "/images/users/*"
    target_origin_id       = "app"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    cache_policy_id        = "658327ea-f89d-4fab-a63d-7e88639e58f6" # Managed-CachingOptimized
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    cloudfront_default_certificate = true
  }
}
