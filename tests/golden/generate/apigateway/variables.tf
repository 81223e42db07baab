variable "name" {
  description = "Name used for the log group and tags."
  type        = string
  default     = "shop-api-cache"
}

variable "rest_api_id" {
  description = "ID of the REST API whose stage caches (aws_api_gateway_rest_api.<name>.id)."
  type        = string
}

variable "deployment_id" {
  description = "Deployment the stage serves (aws_api_gateway_deployment.<name>.id)."
  type        = string
}

variable "stage_name" {
  description = "Name of the stage."
  type        = string
  default     = "prod"
}

variable "cache_size" {
  description = "Cache cluster size in GB; billed by the hour whatever the traffic."
  type        = string
  default     = "0.5"

  validation {
    condition     = contains(["0.5", "1.6", "6.1", "13.5", "28.4", "58.2", "118", "237"], var.cache_size)
    error_message = "API Gateway cache sizes are 0.5, 1.6, 6.1, 13.5, 28.4, 58.2, 118 and 237 GB."
  }
}

variable "cache_ttl_seconds" {
  description = "How long GET responses stay cached: how stale a response may be."
  type        = number
  default     = 300

  validation {
    condition     = var.cache_ttl_seconds >= 1 && var.cache_ttl_seconds <= 3600
    error_message = "API Gateway caches 1 to 3600 seconds (0 would disable caching)."
  }
}

variable "method_overrides" {
  description = "Per-method settings by method path (\"items/{id}/GET\"): a TTL, or caching = false for responses that must be fresh. Never cache POST, PUT, PATCH or DELETE."
  type = map(object({
    caching = optional(bool, true)
    ttl     = optional(number, 300)
  }))
  default = {}

  validation {
    condition     = alltrue([for path, o in var.method_overrides : !can(regex("/(POST|PUT|PATCH|DELETE)$", path)) || !o.caching])
    error_message = "Do not cache POST, PUT, PATCH or DELETE methods."
  }
}

variable "log_retention_days" {
  description = "Retention of the access log."
  type        = number
  default     = 365
}

variable "log_kms_key_arn" {
  description = "KMS key for the access log group (null: CloudWatch's own encryption)."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
