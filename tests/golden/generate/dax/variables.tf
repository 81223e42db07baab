variable "name" {
  description = "Name of the DAX cluster and of the resources around it."
  type        = string
  default     = "orders-dax"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,19}$", var.name))
    error_message = "DAX cluster names are 1-20 lowercase letters, digits or hyphens."
  }
}

variable "table_names" {
  description = "DynamoDB tables the cluster caches; its role may read and write these only. Do not list global tables: writes replicated from other Regions bypass DAX."
  type        = list(string)

  validation {
    condition     = length(var.table_names) > 0
    error_message = "Name at least one table."
  }
}

variable "record_ttl_seconds" {
  description = "How long an item stays in the item cache (record-ttl-millis). Never 0: items would only change through writes made via DAX."
  type        = number
  default     = 60

  validation {
    condition     = var.record_ttl_seconds >= 1 && var.record_ttl_seconds <= 86400
    error_message = "Choose 1 to 86400 seconds."
  }
}

variable "query_ttl_seconds" {
  description = "How long query and scan results stay cached (query-ttl-millis). 0 would disable the query cache."
  type        = number
  default     = 60

  validation {
    condition     = var.query_ttl_seconds >= 1 && var.query_ttl_seconds <= 86400
    error_message = "Choose 1 to 86400 seconds."
  }
}

variable "node_type" {
  description = "DAX node type."
  type        = string
  default     = "dax.r5.large"
}

variable "node_count" {
  description = "Number of nodes; at least three across Availability Zones, as AWS recommends for production."
  type        = number
  default     = 3

  validation {
    condition     = var.node_count >= 3 && var.node_count <= 11
    error_message = "Use 3 to 11 nodes."
  }
}

variable "availability_zones" {
  description = "Availability Zones to spread the nodes across (null: DAX chooses)."
  type        = list(string)
  default     = null
}

variable "vpc_id" {
  description = "VPC of the cluster."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets, in several Availability Zones."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "Give subnets in at least two Availability Zones."
  }
}

variable "client_security_group_ids" {
  description = "Security groups of the applications allowed to reach the TLS endpoint (port 9111)."
  type        = list(string)
  default     = []
}

variable "maintenance_window" {
  description = "Weekly maintenance window (ddd:hh24:mi-ddd:hh24:mi, UTC)."
  type        = string
  default     = "sun:03:00-sun:04:00"
}

variable "alarm_sns_topic_arn" {
  description = "SNS topic for the alarms and the cluster's events; null: the alarms are created without actions."
  type        = string
  default     = null
}

variable "alarm_thresholds" {
  description = "When the alarms fire: CPU and cache memory use above (percent), item cache hit ratio below (percent)."
  type = object({
    cpu_percent       = optional(number, 75)
    memory_percent    = optional(number, 90)
    hit_ratio_percent = optional(number, 50)
  })
  default = {}
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
