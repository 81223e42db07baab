# Checked against the schemas of AWS provider 6.0.0 (the oldest allowed) and the newest 6.x
# (tests/provider-schema/): 6.0 brings the per-resource `region` argument and `aws_region.region`.
terraform {
  required_version = ">= 1.5"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0"
    }
  }
}
