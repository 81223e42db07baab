# Forwarding everything on dynamic paths is the legacy way not to cache: an info suggestion
# (CL208), not the CL201/CL202 defects, and no CL205 where nothing can be cached.
resource "aws_cloudfront_function" "router" {
  name    = "router"
  runtime = "cloudfront-js-2.0"
  code    = "function handler(event) { return event.request; }"
}

resource "aws_cloudfront_distribution" "blog" {
  enabled = true

  origin {
    origin_id   = "wordpress"
    domain_name = "origin.blog.example.com"
    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }

  # Neither static nor given TTLs: forwarding all headers reads as "do not cache".
  default_cache_behavior {
    target_origin_id       = "wordpress"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    forwarded_values { # expect: CL208
      query_string = true
      headers      = ["*"]
      cookies {
        forward = "all"
      }
    }
  }

  ordered_cache_behavior {
    path_pattern           = "wp-admin/*"
    target_origin_id       = "wordpress"
    viewer_protocol_policy = "https-only"
    allowed_methods        = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]
    cached_methods         = ["GET", "HEAD"]
    min_ttl                = 0
    default_ttl            = 3600
    max_ttl                = 86400
    forwarded_values { # expect: CL208
      query_string = true
      headers      = ["*"]
      cookies {
        forward = "all"
      }
    }
  }

  # All cookies on a login path: the origin needs them, and each viewer gets its own entries.
  ordered_cache_behavior {
    path_pattern           = "/login*"
    target_origin_id       = "wordpress"
    viewer_protocol_policy = "https-only"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    min_ttl                = 0
    default_ttl            = 0
    max_ttl                = 60
    forwarded_values { # expect: CL208
      query_string = true
      cookies {
        forward = "all"
      }
    }
  }

  # A viewer-request function answers these paths: dynamic, even with TTLs written.
  ordered_cache_behavior {
    path_pattern           = "/go/*"
    target_origin_id       = "wordpress"
    viewer_protocol_policy = "https-only"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    min_ttl                = 0
    default_ttl            = 300
    max_ttl                = 3600
    forwarded_values { # expect: CL208
      query_string = false
      headers      = ["*"]
      cookies {
        forward = "none"
      }
    }
    function_association {
      event_type   = "viewer-request"
      function_arn = aws_cloudfront_function.router.arn
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
