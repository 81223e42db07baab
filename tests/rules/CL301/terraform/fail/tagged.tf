# Whole words only: a storefront's enqueued page fragments are still a cache.
resource "aws_elasticache_parameter_group" "storefront" {
  name        = "storefront-params"
  family      = "redis7"
  description = "enqueued page fragments"
  parameter {
    name  = "maxmemory-policy"
    value = "noeviction" # expect: CL301
  }
}
