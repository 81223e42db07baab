variable "encrypt" {
  type = bool
}

# The value is unknown here (no default, no tfvars): not a finding; nor is the module, whose
# default encrypts.
module "cache" {
  source                     = "../../modules/redis"
  name                       = "prod-cache"
  at_rest_encryption_enabled = var.encrypt
}
