# Checked where the variable selects it (var.cache_engine = "memcached"): TLS is on.
variable "cache_engine" {
  type    = string
  default = "redis"
}

resource "aws_elasticache_cluster" "memcached" {
  count                      = var.cache_engine == "memcached" ? 1 : 0
  cluster_id                 = "objects"
  engine                     = "memcached"
  engine_version             = "1.6.22"
  node_type                  = "cache.t4g.small"
  num_cache_nodes            = 2
  transit_encryption_enabled = true
}
