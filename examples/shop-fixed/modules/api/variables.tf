variable "name" { type = string }
variable "stage_name" { type = string }
variable "cache_size" { type = string }
variable "cache_ttl" { type = number }
variable "backend_url" { type = string }
variable "user_pool_arn" { type = string }
