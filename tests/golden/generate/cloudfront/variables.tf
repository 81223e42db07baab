variable "name" {
  description = "Name of the distribution's policies and access control."
  type        = string
  default     = "shop-cdn"
}

variable "s3_bucket_name" {
  description = "Bucket holding the site's static files."
  type        = string
}

variable "s3_bucket_regional_domain_name" {
  description = "The bucket's regional domain name (aws_s3_bucket.<name>.bucket_regional_domain_name)."
  type        = string
}

variable "api_origin_domain" {
  description = "Domain of the API origin (an API Gateway, load balancer or Lambda URL domain); null for a static site."
  type        = string
  default     = null
}

variable "api_origin_path" {
  description = "Path prefix of the API on its origin (for example \"/prod\" for an API Gateway stage)."
  type        = string
  default     = ""
}

variable "api_path_pattern" {
  description = "Paths served by the API origin."
  type        = string
  default     = "/api/*"
}

variable "api_cache_key_headers" {
  description = "Request headers the API's responses vary on; they are part of the cache key (Authorization keeps one caller's response from being served to another)."
  type        = list(string)
  default     = ["Authorization"]
}

variable "api_max_ttl" {
  description = "Longest time an API response is cached when its Cache-Control allows it."
  type        = number
  default     = 3600
}

variable "static_path_patterns" {
  description = "Paths of versioned static files, cached for long."
  type        = list(string)
  default     = ["/assets/*", "/static/*"]
}

variable "site_default_ttl" {
  description = "Cache time of unversioned files (HTML) without Cache-Control."
  type        = number
  default     = 300

  validation {
    condition     = var.site_default_ttl > 0
    error_message = "A TTL of 0 would disable caching of the site."
  }
}

variable "site_max_ttl" {
  description = "Longest cache time of unversioned files."
  type        = number
  default     = 86400
}

variable "origin_shield_region" {
  description = "Region of Origin Shield in front of the origins (request collapsing); null to disable."
  type        = string
  default     = null
}

variable "aliases" {
  description = "Domain names of the distribution."
  type        = list(string)
  default     = []
}

variable "acm_certificate_arn" {
  description = "ACM certificate (us-east-1) for the aliases, with TLS 1.2 or later enforced; null: the default *.cloudfront.net certificate (no aliases)."
  type        = string
  default     = null
}

variable "web_acl_arn" {
  description = "WAF web ACL (ARN) to attach, or null."
  type        = string
  default     = null
}

variable "log_destination_arn" {
  description = "Where standard logging v2 delivers access logs: an S3 bucket, CloudWatch Logs log group (in us-east-1) or Firehose stream ARN; null: no access logs."
  type        = string
  default     = null
}

variable "alarm_sns_topic_arn" {
  description = "SNS topic in us-east-1 (where CloudFront's metrics and so the alarms are) for the alarms; null: the alarms are created without actions."
  type        = string
  default     = null
}

variable "alarm_thresholds" {
  description = "When the alarms fire: 5xx error rate above (percent of requests), cache hit rate below (percent)."
  type = object({
    error_rate_5xx_percent = optional(number, 5)
    hit_rate_percent       = optional(number, 50)
  })
  default = {}
}

variable "geo_restriction_locations" {
  description = "Countries allowed to reach the distribution (ISO 3166-1 alpha-2); empty for all."
  type        = list(string)
  default     = []
}

variable "price_class" {
  description = "Price class (PriceClass_100, PriceClass_200 or PriceClass_All)."
  type        = string
  default     = "PriceClass_100"
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
