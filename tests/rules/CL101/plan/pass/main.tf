variable "ttl" {
  type = number
}

module "api" {
  source = "./modules/api"
  ttl    = var.ttl
}
