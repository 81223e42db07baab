# Leaves the argument out: deploys the module's default, the same defect at the same line as
# the module checked alone (one finding, not two).
module "cache" {
  source = "../../modules/redis"
  name   = "dev-cache"
}
