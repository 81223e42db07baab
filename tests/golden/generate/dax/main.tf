# DAX cluster orders-dax, written by `cachelint generate --layer dax`.
# Secure and cache-correct by default: three or more nodes across zones, encryption at rest,
# a TLS-only endpoint, explicit item and query TTLs, access to the named tables only, and alarms.

locals {
  tags          = merge(var.tags, { "managed-by" = "cachelint" })
  alarm_actions = var.alarm_sns_topic_arn == null ? [] : [var.alarm_sns_topic_arn]
  table_arns    = [for table in var.table_names : "arn:${data.aws_partition.this.partition}:dynamodb:${data.aws_region.this.region}:${data.aws_caller_identity.this.account_id}:table/${table}"]
}

data "aws_partition" "this" {}

data "aws_region" "this" {}

data "aws_caller_identity" "this" {}

resource "aws_dax_parameter_group" "this" {
  name        = var.name
  description = "Item and query TTLs of ${var.name}"

  parameters {
    name  = "record-ttl-millis"
    value = tostring(var.record_ttl_seconds * 1000)
  }

  parameters {
    name  = "query-ttl-millis"
    value = tostring(var.query_ttl_seconds * 1000)
  }
}

resource "aws_dax_subnet_group" "this" {
  name        = var.name
  description = "Subnets of ${var.name}"
  subnet_ids  = var.subnet_ids
}

resource "aws_security_group" "this" {
  name        = "${var.name}-dax"
  description = "DAX cluster ${var.name}: TLS endpoint from the application only"
  vpc_id      = var.vpc_id
  tags        = local.tags
}

resource "aws_vpc_security_group_ingress_rule" "tls" {
  for_each = toset(var.client_security_group_ids)

  security_group_id            = aws_security_group.this.id
  description                  = "DAX TLS endpoint"
  ip_protocol                  = "tcp"
  from_port                    = 9111
  to_port                      = 9111
  referenced_security_group_id = each.value
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["dax.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  name               = "${var.name}-dax"
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = local.tags
}

data "aws_iam_policy_document" "tables" {
  statement {
    sid = "CachedTablesOnly"
    actions = [
      "dynamodb:BatchGetItem",
      "dynamodb:BatchWriteItem",
      "dynamodb:ConditionCheckItem",
      "dynamodb:DeleteItem",
      "dynamodb:DescribeTable",
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:Query",
      "dynamodb:Scan",
      "dynamodb:UpdateItem",
    ]
    resources = concat(local.table_arns, [for arn in local.table_arns : "${arn}/index/*"])
  }
}

resource "aws_iam_role_policy" "tables" {
  name   = "cached-tables"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.tables.json
}

resource "aws_dax_cluster" "this" {
  cluster_name                     = var.name
  description                      = "Read cache in front of ${join(", ", var.table_names)}"
  iam_role_arn                     = aws_iam_role.this.arn
  node_type                        = var.node_type
  replication_factor               = var.node_count
  availability_zones               = var.availability_zones
  parameter_group_name             = aws_dax_parameter_group.this.name
  subnet_group_name                = aws_dax_subnet_group.this.name
  security_group_ids               = [aws_security_group.this.id]
  cluster_endpoint_encryption_type = "TLS"
  maintenance_window               = var.maintenance_window
  notification_topic_arn           = var.alarm_sns_topic_arn
  tags                             = local.tags

  server_side_encryption {
    enabled = true
  }
}

resource "aws_cloudwatch_metric_alarm" "cpu" {
  alarm_name          = "${var.name}-dax-cpu"
  alarm_description   = "DAX cluster ${var.name} is busy: latency rises; add nodes or use a larger node type."
  namespace           = "AWS/DAX"
  metric_name         = "CPUUtilization"
  dimensions          = { ClusterId = aws_dax_cluster.this.cluster_name }
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.alarm_thresholds.cpu_percent
  treat_missing_data  = "missing"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
  tags                = local.tags
}

resource "aws_cloudwatch_metric_alarm" "memory" {
  alarm_name          = "${var.name}-dax-memory"
  alarm_description   = "DAX cluster ${var.name} nears full cache memory: items are evicted and writes slow down; use a larger node type."
  namespace           = "AWS/DAX"
  metric_name         = "CacheMemoryUtilization"
  dimensions          = { ClusterId = aws_dax_cluster.this.cluster_name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.alarm_thresholds.memory_percent
  treat_missing_data  = "missing"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
  tags                = local.tags
}

# Item cache hit ratio; DAX publishes a metric only when its value is not zero, so a missing
# hit count reads as 0 and a quiet period (no requests) as no data.
resource "aws_cloudwatch_metric_alarm" "hit_ratio" {
  alarm_name          = "${var.name}-dax-hit-ratio"
  alarm_description   = "Few GetItem reads of DAX cluster ${var.name} hit the item cache: TTLs too short, or the reads do not repeat."
  evaluation_periods  = 4
  comparison_operator = "LessThanThreshold"
  threshold           = var.alarm_thresholds.hit_ratio_percent
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
  tags                = local.tags

  metric_query {
    id          = "ratio"
    expression  = "100 * FILL(hits, 0) / (FILL(hits, 0) + misses)"
    label       = "Item cache hit ratio (%)"
    return_data = true
  }

  metric_query {
    id = "hits"

    metric {
      namespace   = "AWS/DAX"
      metric_name = "ItemCacheHits"
      dimensions  = { ClusterId = aws_dax_cluster.this.cluster_name }
      stat        = "Sum"
      period      = 900
    }
  }

  metric_query {
    id = "misses"

    metric {
      namespace   = "AWS/DAX"
      metric_name = "ItemCacheMisses"
      dimensions  = { ClusterId = aws_dax_cluster.this.cluster_name }
      stat        = "Sum"
      period      = 900
    }
  }
}
