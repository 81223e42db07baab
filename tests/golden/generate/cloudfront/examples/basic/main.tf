provider "aws" {
  region = "eu-west-1"
}

module "shop_cdn" {
  source = "../../"

  name                           = "shop-cdn"
  s3_bucket_name                 = "example-site-assets"
  s3_bucket_regional_domain_name = "example-site-assets.s3.eu-west-1.amazonaws.com"
  api_origin_domain              = "abc123.execute-api.eu-west-1.amazonaws.com"
  api_origin_path                = "/prod"
  origin_shield_region           = "eu-west-1"
  aliases                        = ["www.example.com"]
  acm_certificate_arn            = "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000"
  log_destination_arn            = "arn:aws:s3:::example-logs"
}

# The distribution's read access, merged into the bucket's own statements.
data "aws_iam_policy_document" "site_bucket" {
  source_policy_documents = [module.shop_cdn.bucket_policy_json]

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = ["arn:aws:s3:::example-site-assets", "arn:aws:s3:::example-site-assets/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "site" {
  bucket = "example-site-assets"
  policy = data.aws_iam_policy_document.site_bucket.json
}
