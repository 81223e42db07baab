variable "name" {
  description = "Name of the cache and of the resources around it."
  type        = string
  default     = "sessions"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,39}$", var.name))
    error_message = "Use 1-40 lowercase letters, digits or hyphens."
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
  description = "Security groups of the applications allowed to connect."
  type        = list(string)
  default     = []
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key for data at rest (null: the AWS-managed key)."
  type        = string
  default     = null
}

variable "major_engine_version" {
  description = "Valkey major engine version."
  type        = string
  default     = "8"
}

variable "user_group_id" {
  description = "RBAC user group (aws_elasticache_user_group) for client authentication."
  type        = string
  default     = null
}

variable "snapshot_retention_days" {
  description = "Days of daily snapshots to keep."
  type        = number
  default     = 7
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

variable "maintenance_window" {
  description = "Weekly maintenance window (ddd:hh24:mi-ddd:hh24:mi, UTC)."
  type        = string
  default     = "sun:03:00-sun:04:00"
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
