# ElastiCache valkey cache sessions, written by `cachelint generate --layer elasticache`.
# A replication group with a replica in another Availability Zone and automatic failover,
# encrypted at rest and in transit, AUTH required, and an eviction policy fit for a cache.

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
  from_port                    = 6379
  to_port                      = 6379
  referenced_security_group_id = each.value
}

resource "aws_elasticache_subnet_group" "this" {
  name        = var.name
  description = "Subnets of ${var.name}"
  subnet_ids  = var.subnet_ids
  tags        = local.tags
}

resource "aws_elasticache_parameter_group" "this" {
  name        = var.name
  family      = var.parameter_group_family
  description = "Cache settings of ${var.name}"
  tags        = local.tags

  # A cache evicts: least recently used keys go first when memory is full, whether or not
  # they carry a TTL (noeviction or volatile-* would fail writes instead).
  parameter {
    name  = "maxmemory-policy"
    value = var.maxmemory_policy
  }
}

resource "aws_cloudwatch_log_group" "slow_log" {
  name              = "/aws/elasticache/${var.name}/slow-log"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = local.tags
}

resource "aws_elasticache_replication_group" "this" {
  #checkov:skip=CKV_AWS_191:Encrypted at rest with the AWS-managed key unless kms_key_arn names a customer-managed one.
  replication_group_id       = var.name
  description                = "Cache ${var.name}"
  engine                     = "valkey"
  engine_version             = var.engine_version
  node_type                  = var.node_type
  num_cache_clusters         = var.node_count
  port                       = 6379
  parameter_group_name       = aws_elasticache_parameter_group.this.name
  subnet_group_name          = aws_elasticache_subnet_group.this.name
  security_group_ids         = [aws_security_group.this.id]
  automatic_failover_enabled = true
  multi_az_enabled           = true
  at_rest_encryption_enabled = true
  kms_key_id                 = var.kms_key_arn
  transit_encryption_enabled = true
  transit_encryption_mode    = "required"
  auth_token                 = var.auth_token
  user_group_ids             = var.user_group_ids
  auto_minor_version_upgrade = true
  snapshot_retention_limit   = var.snapshot_retention_days
  maintenance_window         = var.maintenance_window
  apply_immediately          = false
  tags                       = local.tags

  log_delivery_configuration {
    destination      = aws_cloudwatch_log_group.slow_log.name
    destination_type = "cloudwatch-logs"
    log_format       = "json"
    log_type         = "slow-log"
  }
}
