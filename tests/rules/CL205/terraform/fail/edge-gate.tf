# A viewer-request function in front of an S3 origin is a gate (auth, URL rewrite): what it lets
# through is cached with the legacy TTLs nobody chose.
resource "aws_cloudfront_distribution" "edge" {
  enabled = true

  origin {
    origin_id   = "site"
    domain_name = "site.s3.eu-west-1.amazonaws.com"
    s3_origin_config {
      origin_access_identity = ""
    }
  }

  default_cache_behavior {
    target_origin_id       = "site"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    forwarded_values { # expect: CL205
      query_string = false
      cookies {
        forward = "none"
      }
    }
    lambda_function_association {
      event_type   = "viewer-request"
      lambda_arn   = "arn:aws:lambda:us-east-1:123456789012:function:check-auth:3"
      include_body = false
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
