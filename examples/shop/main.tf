# A small shop: a REST API, a CDN in front of the static site and the API, a Redis cache for
# sessions and a DAX cluster in front of the orders table. Every module has caching mistakes;
# ../shop-fixed is the same system written correctly.

terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

provider "aws" {
  region = var.region
}

module "api" {
  source = "./modules/api"

  name          = "${var.prefix}-api"
  stage_name    = var.stage
  cache_size    = "0.5"
  cache_ttl     = var.api_cache_ttl
  backend_url   = var.backend_url
  user_pool_arn = var.user_pool_arn
}

module "cdn" {
  source = "./modules/cdn"

  name        = "${var.prefix}-web"
  site_bucket = "${var.prefix}-site-assets"
  api_domain  = module.api.domain
  api_stage   = var.stage
}

module "cache" {
  source = "./modules/cache"

  name      = "${var.prefix}-sessions"
  node_type = "cache.t4g.small"
}

module "reads" {
  source = "./modules/reads"

  name          = "${var.prefix}-orders"
  record_ttl_ms = 0
  nodes         = 1
}
