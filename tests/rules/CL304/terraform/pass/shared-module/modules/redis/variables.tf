variable "name" {
  type = string
}

variable "at_rest_encryption_enabled" {
  type    = bool
  default = true
}
