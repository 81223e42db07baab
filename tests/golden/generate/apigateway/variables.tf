variable "name" {
  description = "Name used for the log group and tags."
  type        = string
  default     = "shop-api-cache"
}

variable "rest_api_id" {
  description = "ID of the REST API whose existing stage caches (aws_api_gateway_rest_api.<name>.id)."
  type        = string
}

variable "rest_api_name" {
  description = "Name of the REST API: API Gateway's CloudWatch metrics are keyed by it (ApiName), not by its id."
  type        = string
}

variable "stage_name" {
  description = "Name of the existing stage to cache (aws_api_gateway_stage.<name>.stage_name)."
  type        = string
  default     = "prod"
}

variable "xray_tracing_enabled" {
  description = "X-Ray tracing for the stage (in the stage_settings output); adds X-Ray cost per traced request."
  type        = bool
  default     = true
}

variable "execution_logging_level" {
  description = "Execution logging of every method (OFF, ERROR or INFO). ERROR and INFO need the account's CloudWatch role (manage_account_cloudwatch_role)."
  type        = string
  default     = "ERROR"

  validation {
    condition     = contains(["OFF", "ERROR", "INFO"], var.execution_logging_level)
    error_message = "Use OFF, ERROR or INFO."
  }
}

variable "manage_account_cloudwatch_role" {
  description = "Create the IAM role API Gateway needs, once per account and Region, to write execution and access logs to CloudWatch Logs, and set it in the account settings. Leave false when another stack already manages it."
  type        = bool
  default     = false
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

variable "alarm_sns_topic_arn" {
  description = "SNS topic for the alarms; null: the alarms are created without actions."
  type        = string
  default     = null
}

variable "alarm_thresholds" {
  description = "When the alarms fire: cache hit ratio below (percent), share of 5XX responses above (0-1), p90 latency above (ms)."
  type = object({
    hit_ratio_percent = optional(number, 50)
    error_rate_5xx    = optional(number, 0.05)
    latency_p90_ms    = optional(number, 1000)
  })
  default = {}
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
