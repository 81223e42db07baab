variable "name" { type = string }
variable "record_ttl_ms" { type = number }
variable "nodes" { type = number }
