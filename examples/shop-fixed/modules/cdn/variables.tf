variable "name" { type = string }
variable "site_bucket" { type = string }
variable "api_domain" { type = string }
variable "api_stage" { type = string }
