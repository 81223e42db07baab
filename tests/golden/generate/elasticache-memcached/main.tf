# ElastiCache memcached cache sessions, written by `cachelint generate --layer elasticache`.
# Memcached nodes spread across Availability Zones, TLS in transit (engine 1.6.12 and later).
# Memcached has no replicas and no encryption at rest: use --engine valkey when either matters.

locals {
  tags = merge(var.tags, { "managed-by" = "cachelint" })
}

resource "aws_security_group" "this" {
  name        = "${var.name}-cache"
  description = "ElastiCache ${var.name}: reachable from the application only"
  vpc_id      = var.vpc_id
  tags        = local.tags
}

resource "aws_vpc_security_group_ingress_rule" "clients" {
  for_each = toset(var.client_security_group_ids)

  security_group_id            = aws_security_group.this.id
  description                  = "Cache clients"
  ip_protocol                  = "tcp"
  from_port                    = 11211
  to_port                      = 11211
  referenced_security_group_id = each.value
}

resource "aws_elasticache_subnet_group" "this" {
  name        = var.name
  description = "Subnets of ${var.name}"
  subnet_ids  = var.subnet_ids
  tags        = local.tags
}

resource "aws_elasticache_cluster" "this" {
  cluster_id                 = var.name
  engine                     = "memcached"
  engine_version             = var.engine_version
  node_type                  = var.node_type
  num_cache_nodes            = var.node_count
  az_mode                    = "cross-az"
  port                       = 11211
  subnet_group_name          = aws_elasticache_subnet_group.this.name
  security_group_ids         = [aws_security_group.this.id]
  transit_encryption_enabled = true
  auto_minor_version_upgrade = true
  maintenance_window         = var.maintenance_window
  apply_immediately          = false
  tags                       = local.tags
}
