# ElastiCache serverless cache sessions, written by `cachelint generate --layer elasticache`.
# A serverless cache: replicated across Availability Zones and always encrypted at rest and in
# transit, with usage limits so a runaway client cannot scale the bill.

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

resource "aws_elasticache_serverless_cache" "this" {
  name                     = var.name
  description              = "Cache ${var.name}"
  engine                   = "valkey"
  major_engine_version     = var.major_engine_version
  subnet_ids               = var.subnet_ids
  security_group_ids       = [aws_security_group.this.id]
  kms_key_id               = var.kms_key_arn
  user_group_id            = var.user_group_id
  snapshot_retention_limit = var.snapshot_retention_days
  daily_snapshot_time      = "03:00"
  tags                     = local.tags

  cache_usage_limits {
    data_storage {
      maximum = var.max_data_storage_gb
      unit    = "GB"
    }

    ecpu_per_second {
      maximum = var.max_ecpu_per_second
    }
  }
}
