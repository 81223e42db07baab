# Words count whole: "storefront" and "enqueued" do not say store or queue.
resource "aws_elasticache_parameter_group" "storefront" {
  name        = "storefront-params"
  family      = "redis7"
  description = "enqueued page fragments"
  parameter {
    name  = "maxmemory-policy"
    value = "noeviction" # expect: CL301
  }
}
