variable "name" {
  description = "Name of the cache and of the resources around it."
  type        = string
  default     = "sessions"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,29}$", var.name))
    error_message = "Use 1-30 lowercase letters, digits or hyphens."
  }
}

variable "vpc_id" {
  description = "VPC of the cache."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets in at least two Availability Zones."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "Give subnets in at least two Availability Zones."
  }
}

variable "client_security_group_ids" {
  description = "Security groups of the applications allowed to connect (port 6379)."
  type        = list(string)
  default     = []
}

variable "alarm_sns_topic_arn" {
  description = "SNS topic for the alarms; null: the alarms are created without actions."
  type        = string
  default     = null
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key for cached data and snapshots (null: the AWS-managed key)."
  type        = string
  default     = null
}

variable "major_engine_version" {
  description = "Valkey major engine version."
  type        = string
  default     = "8"
}

variable "user_group_id" {
  description = "An RBAC user group of your own; null: the module creates one with the default user disabled and an IAM-authenticated application user."
  type        = string
  default     = null
}

variable "app_access_string" {
  description = "Access string of the generated application user (RBAC), for example \"on ~app:* +@all\" to limit it to keys starting with app:."
  type        = string
  default     = "on ~* +@all"
}

variable "snapshot_retention_days" {
  description = "Days of daily snapshots to keep."
  type        = number
  default     = 7
}

variable "daily_snapshot_time" {
  description = "Time of the daily snapshot (hh:mm, UTC)."
  type        = string
  default     = "03:00"
}

variable "max_data_storage_gb" {
  description = "Upper bound of cached data, in GB."
  type        = number
  default     = 10
}

variable "max_ecpu_per_second" {
  description = "Upper bound of ElastiCache Processing Units per second."
  type        = number
  default     = 5000
}

variable "alarm_thresholds" {
  description = "When the alarms fire: hit rate below (percent), storage used above (percent of max_data_storage_gb)."
  type = object({
    hit_rate_percent = optional(number, 80)
    memory_percent   = optional(number, 90)
  })
  default = {}
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
