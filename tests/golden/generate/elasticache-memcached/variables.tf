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
  description = "Security groups of the applications allowed to connect (port 11211)."
  type        = list(string)
  default     = []
}

variable "alarm_sns_topic_arn" {
  description = "SNS topic for the alarms and the cluster's events (failover, node replacement); null: the alarms are created without actions."
  type        = string
  default     = null
}

variable "engine_version" {
  description = "Memcached engine version; 1.6.12 or later for TLS."
  type        = string
  default     = "1.6.22"
}

variable "node_type" {
  description = "Node type."
  type        = string
  default     = "cache.t4g.small"
}

variable "node_count" {
  description = "Number of nodes, spread across zones; the client shards keys across them."
  type        = number
  default     = 2

  validation {
    condition     = var.node_count >= 2 && var.node_count <= 40
    error_message = "Use 2 or more nodes so that one node's loss empties only part of the cache."
  }
}

variable "maintenance_window" {
  description = "Weekly maintenance window (ddd:hh24:mi-ddd:hh24:mi, UTC)."
  type        = string
  default     = "sun:03:00-sun:04:00"
}

variable "alarm_thresholds" {
  description = "When the alarms fire, per node: CPU (percent), evictions per 5 minutes, swap in use (bytes)."
  type = object({
    cpu_percent             = optional(number, 90)
    evictions_per_5_minutes = optional(number, 1000)
    swap_bytes              = optional(number, 50000000)
  })
  default = {}
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
