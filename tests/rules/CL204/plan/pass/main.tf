variable "static_policy" {
  type = string
}

data "aws_cloudfront_cache_policy" "static" {
  name = var.static_policy
}

resource "aws_s3_bucket" "site" {
  bucket = "example-site-assets"
}

resource "aws_cloudfront_distribution" "site" {
  enabled = true

  origin {
    origin_id   = "s3-site"
    domain_name = aws_s3_bucket.site.bucket_regional_domain_name
    s3_origin_config {
      origin_access_identity = ""
    }
  }

  default_cache_behavior {
    target_origin_id       = "s3-site"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    cache_policy_id        = data.aws_cloudfront_cache_policy.static.id
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
