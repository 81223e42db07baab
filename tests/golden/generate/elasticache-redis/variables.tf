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
  description = "SNS topic for the alarms and the cluster's events (failover, node replacement); null: the alarms are created without actions."
  type        = string
  default     = null
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key for cached data and snapshots (null: the AWS-managed key)."
  type        = string
  default     = null
}

variable "log_kms_key_arn" {
  description = "KMS key for the slow log group, separate from the data key (null: CloudWatch Logs' own encryption)."
  type        = string
  default     = null
}

variable "engine_version" {
  description = "Redis engine version."
  type        = string
  default     = "7.1"
}

variable "parameter_group_family" {
  description = "Parameter group family matching engine_version."
  type        = string
  default     = "redis7"
}

variable "node_type" {
  description = "Node type."
  type        = string
  default     = "cache.t4g.small"
}

variable "cluster_mode" {
  description = "Cluster mode: shard the keys over shard_count shards (clients must support cluster mode) instead of one primary with replicas."
  type        = bool
  default     = false
}

variable "node_count" {
  description = "Without cluster mode: primary plus replicas; two or more for automatic failover across zones."
  type        = number
  default     = 2

  validation {
    condition     = var.node_count >= 2 && var.node_count <= 6
    error_message = "Use 2 to 6 nodes: automatic failover needs a replica."
  }
}

variable "shard_count" {
  description = "With cluster mode: number of shards (node groups)."
  type        = number
  default     = 2

  validation {
    condition     = var.shard_count >= 1 && var.shard_count <= 500
    error_message = "Use 1 to 500 shards."
  }
}

variable "replicas_per_shard" {
  description = "With cluster mode: replicas of each shard's primary; one or more for automatic failover."
  type        = number
  default     = 1

  validation {
    condition     = var.replicas_per_shard >= 1 && var.replicas_per_shard <= 5
    error_message = "Use 1 to 5 replicas per shard: automatic failover needs a replica."
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
  description = "AUTH token (16-128 characters) clients must send. Set this or user_group_ids: the module refuses to deploy without authentication."
  type        = string
  default     = null
  sensitive   = true

  validation {
    condition     = var.auth_token == null || try(length(var.auth_token) >= 16 && length(var.auth_token) <= 128, false)
    error_message = "The AUTH token needs 16 to 128 characters."
  }
}

variable "user_group_ids" {
  description = "RBAC user groups (aws_elasticache_user_group) instead of an AUTH token. Set this or auth_token."
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

variable "alarm_thresholds" {
  description = "When the alarms fire, per node: engine CPU and memory use (percent), evictions per 5 minutes, replication lag (seconds)."
  type = object({
    cpu_percent             = optional(number, 75)
    memory_percent          = optional(number, 90)
    evictions_per_5_minutes = optional(number, 1000)
    replication_lag_seconds = optional(number, 10)
  })
  default = {}
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
