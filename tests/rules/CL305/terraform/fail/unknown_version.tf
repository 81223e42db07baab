# The version only decides the fix: without TLS the traffic is clear text whatever it is.
variable "memcached_version" {
  type = string
}

resource "aws_elasticache_cluster" "chosen" { # expect: CL305
  cluster_id      = "chosen"
  engine          = "memcached"
  engine_version  = var.memcached_version
  node_type       = "cache.t4g.small"
  num_cache_nodes = 2
}
