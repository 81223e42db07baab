variable "encrypt" {
  type = bool
}

# The value is unknown here (no default, no tfvars): this caller is not a finding, but the
# module's own default is, at the line where it is written.
module "cache" {
  source                     = "../../modules/redis"
  name                       = "prod-cache"
  at_rest_encryption_enabled = var.encrypt
}
