variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "prefix" {
  type    = string
  default = "shop"
}

variable "stage" {
  type    = string
  default = "prod"
}

variable "api_cache_ttl" {
  description = "Seconds API responses stay cached."
  type        = number
}

variable "backend_url" {
  type    = string
  default = "https://backend.internal.example.com"
}

variable "user_pool_arn" {
  type = string
}
