# The application origin receives every viewer cookie (Managed-AllViewer) but CachingOptimized
# keys on none of them, with a minimum TTL of 1 s: a response the origin marks private is still
# shared. The default behaviour is checked like any other.
resource "aws_cloudfront_distribution" "app" {
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
    target_origin_id         = "app"
    viewer_protocol_policy   = "redirect-to-https"
    allowed_methods          = ["GET", "HEAD"]
    cached_methods           = ["GET", "HEAD"]
    cache_policy_id          = "658327ea-f89d-4fab-a63d-7e88639e58f6" # expect: CL207
    origin_request_policy_id = "216adef6-5c7f-47e4-b989-5492eafa07d3" # Managed-AllViewer
  }

  # A per-user path cached for at least 30 s with nothing in the key that identifies the viewer.
  ordered_cache_behavior {
    path_pattern           = "/account/*"
    target_origin_id       = "app"
    viewer_protocol_policy = "https-only"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    min_ttl                = 30 # expect: CL207
    default_ttl            = 60
    max_ttl                = 300

    forwarded_values {
      query_string = false
      cookies {
        forward = "none"
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
