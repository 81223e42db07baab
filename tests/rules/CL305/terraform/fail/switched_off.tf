# A module resource that no instance of exists at the defaults, selected by a variable the
# module compares with a string: it is checked where the variable takes that string.
variable "cache_engine" {
  type    = string
  default = "redis"
}

resource "aws_elasticache_cluster" "memcached" { # expect: CL305
  count           = var.cache_engine == "memcached" ? 1 : 0
  cluster_id      = "objects"
  engine          = "memcached"
  engine_version  = var.cache_engine == "memcached" ? "1.5.16" : null
  node_type       = "cache.t4g.small"
  num_cache_nodes = 2
}
