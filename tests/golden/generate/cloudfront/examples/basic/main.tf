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
  log_bucket_domain_name         = "example-logs.s3.amazonaws.com"
}
