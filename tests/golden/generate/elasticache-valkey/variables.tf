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

variable "engine_version" {
  description = "Valkey engine version."
  type        = string
  default     = "8.0"
}

variable "parameter_group_family" {
  description = "Parameter group family matching engine_version."
  type        = string
  default     = "valkey8"
}

variable "node_type" {
  description = "Node type."
  type        = string
  default     = "cache.t4g.small"
}

variable "node_count" {
  description = "Primary plus replicas; two or more for automatic failover across zones."
  type        = number
  default     = 2

  validation {
    condition     = var.node_count >= 2 && var.node_count <= 6
    error_message = "Use 2 to 6 nodes: automatic failover needs a replica."
  }
}

variable "maxmemory_policy" {
  description = "Eviction policy. allkeys-lru or allkeys-lfu suit a cache; noeviction and volatile-* fail writes when keys lack a TTL."
  type        = string
  default     = "allkeys-lru"

  validation {
    condition     = contains(["allkeys-lru", "allkeys-lfu", "allkeys-random"], var.maxmemory_policy)
    error_message = "Use an allkeys-* policy for a cache."
  }
}

variable "auth_token" {
  description = "AUTH token (16-128 characters) clients must send; leave null when user_group_ids (RBAC) is set."
  type        = string
  default     = null
  sensitive   = true

  validation {
    condition     = var.auth_token == null || try(length(var.auth_token) >= 16, false)
    error_message = "The AUTH token needs at least 16 characters."
  }
}

variable "user_group_ids" {
  description = "RBAC user groups (aws_elasticache_user_group) instead of an AUTH token."
  type        = list(string)
  default     = null
}

variable "snapshot_retention_days" {
  description = "Days of daily snapshots to keep."
  type        = number
  default     = 7
}

variable "log_retention_days" {
  description = "Retention of the slow log."
  type        = number
  default     = 365
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
