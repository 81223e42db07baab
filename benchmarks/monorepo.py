"""Generate a synthetic but realistic AWS Terraform monorepo for benchmarks.

Environments (envs/<env>/) call local modules (modules/<service>-<n>/); most modules are ordinary
infrastructure (VPC, EC2, RDS, IAM, S3, Lambda, security groups); a few percent of the files hold
caching resources (API Gateway stage caches, CloudFront, ElastiCache, DAX), some of them with the
mistakes cachelint reports. Deterministic for a given size and seed.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

ORDINARY = {
    "network": '''resource "aws_vpc" "net_{i}" {{
  cidr_block           = var.cidr
  enable_dns_hostnames = true
  enable_dns_support   = true
  tags                 = merge(var.tags, {{ Name = "${{var.name}}-vpc" }})
}}

resource "aws_subnet" "private_{i}" {{
  count             = length(var.azs)
  vpc_id            = aws_vpc.net_{i}.id
  cidr_block        = cidrsubnet(var.cidr, 4, count.index)
  availability_zone = var.azs[count.index]
  tags              = merge(var.tags, {{ Name = "${{var.name}}-private-${{count.index}}" }})
}}

resource "aws_security_group" "app_{i}" {{
  name        = "${{var.name}}-app-{i}"
  description = "Application traffic {i}"
  vpc_id      = aws_vpc.net_{i}.id

  ingress {{
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = [var.cidr]
  }}

  egress {{
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }}
}}
''',
    "compute": '''resource "aws_launch_template" "app_{i}" {{
  name_prefix   = "${{var.name}}-{i}-"
  image_id      = var.ami
  instance_type = var.instance_type

  metadata_options {{
    http_tokens = "required"
  }}

  block_device_mappings {{
    device_name = "/dev/xvda"
    ebs {{
      volume_size = 30
      encrypted   = true
    }}
  }}
}}

resource "aws_autoscaling_group" "app_{i}" {{
  name                = "${{var.name}}-{i}"
  min_size            = 2
  max_size            = 6
  desired_capacity    = 2
  vpc_zone_identifier = var.subnet_ids

  launch_template {{
    id      = aws_launch_template.app_{i}.id
    version = "$Latest"
  }}
}}
''',
    "data": '''resource "aws_db_instance" "main_{i}" {{
  identifier              = "${{var.name}}-{i}"
  engine                  = "postgres"
  engine_version          = "16.3"
  instance_class          = var.db_class
  allocated_storage       = 50
  storage_encrypted       = true
  backup_retention_period = 7
  multi_az                = true
  username                = "app"
  manage_master_user_password = true
  skip_final_snapshot     = false
}}

resource "aws_s3_bucket" "data_{i}" {{
  bucket = "${{var.name}}-data-{i}"
}}

resource "aws_s3_bucket_versioning" "data_{i}" {{
  bucket = aws_s3_bucket.data_{i}.id
  versioning_configuration {{
    status = "Enabled"
  }}
}}
''',
    "iam": '''data "aws_iam_policy_document" "assume_{i}" {{
  statement {{
    actions = ["sts:AssumeRole"]
    principals {{
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }}
  }}
}}

resource "aws_iam_role" "fn_{i}" {{
  name               = "${{var.name}}-fn-{i}"
  assume_role_policy = data.aws_iam_policy_document.assume_{i}.json
}}

resource "aws_lambda_function" "fn_{i}" {{
  function_name = "${{var.name}}-fn-{i}"
  role          = aws_iam_role.fn_{i}.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "${{path.module}}/app.zip"
  memory_size   = 512
  timeout       = 30

  environment {{
    variables = {{
      STAGE = var.stage
    }}
  }}
}}
''',
}

CACHE = {
    "api": '''resource "aws_api_gateway_rest_api" "this" {{
  name = "${{var.name}}-api"
}}

resource "aws_api_gateway_deployment" "this" {{
  rest_api_id = aws_api_gateway_rest_api.this.id
}}

resource "aws_api_gateway_stage" "this" {{
  rest_api_id           = aws_api_gateway_rest_api.this.id
  deployment_id         = aws_api_gateway_deployment.this.id
  stage_name            = var.stage
  cache_cluster_enabled = true
  cache_cluster_size    = "0.5"
}}

resource "aws_api_gateway_method_settings" "all" {{
  rest_api_id = aws_api_gateway_rest_api.this.id
  stage_name  = aws_api_gateway_stage.this.stage_name
  method_path = "*/*"

  settings {{
    caching_enabled      = true
    cache_ttl_in_seconds = var.cache_ttl
  }}
}}
''',
    "cdn": '''resource "aws_cloudfront_distribution" "this" {{
  enabled = true

  origin {{
    origin_id   = "site"
    domain_name = "${{var.name}}.s3.eu-west-1.amazonaws.com"
    s3_origin_config {{
      origin_access_identity = ""
    }}
  }}

  default_cache_behavior {{
    target_origin_id       = "site"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]

    forwarded_values {{
      query_string = true
      cookies {{
        forward = "none"
      }}
    }}
  }}

  restrictions {{
    geo_restriction {{
      restriction_type = "none"
    }}
  }}

  viewer_certificate {{
    cloudfront_default_certificate = true
  }}
}}
''',
    "redis": '''resource "aws_elasticache_replication_group" "this" {{
  replication_group_id       = "${{var.name}}-cache"
  description                = "cache"
  engine                     = "redis"
  node_type                  = "cache.t4g.small"
  num_cache_clusters         = var.cache_nodes
  at_rest_encryption_enabled = true
  transit_encryption_enabled = true
}}
''',
    "dax": '''resource "aws_dax_cluster" "this" {{
  cluster_name       = "${{var.name}}-dax"
  iam_role_arn       = var.role_arn
  node_type          = "dax.r5.large"
  replication_factor = var.dax_nodes
}}
''',
}

LOCALS = '''locals {{
  service     = "{kind}-{n}"
  environment = var.stage
  common_tags = merge(var.tags, {{
    Service     = local.service
    Environment = local.environment
    ManagedBy   = "terraform"
  }})
  ports = {{ for idx, port in [80, 443, 8080] : "port-${{idx}}" => port }}
  azs   = slice(var.azs, 0, min(length(var.azs), 3))
}}
'''

VARIABLES = '''variable "name" {
  type = string
}

variable "stage" {
  type    = string
  default = "prod"
}

variable "cidr" {
  type    = string
  default = "10.0.0.0/16"
}

variable "azs" {
  type    = list(string)
  default = ["eu-west-1a", "eu-west-1b"]
}

variable "subnet_ids" {
  type    = list(string)
  default = []
}

variable "tags" {
  type    = map(string)
  default = {}
}

variable "ami" {
  type    = string
  default = "ami-0123456789abcdef0"
}

variable "instance_type" {
  type    = string
  default = "t3.small"
}

variable "db_class" {
  type    = string
  default = "db.t4g.medium"
}

variable "cache_ttl" {
  type    = number
  default = 0
}

variable "cache_nodes" {
  type    = number
  default = 1
}

variable "dax_nodes" {
  type    = number
  default = 1
}

variable "role_arn" {
  type    = string
  default = null
}
'''


def generate(root: Path, files: int, seed: int = 7, cache_share: float = 0.03) -> int:
    """Write about ``files`` .tf files under ``root``; returns how many were written."""
    rng = random.Random(seed)
    written = 0
    modules = []
    n = 0
    while written < files - 6:
        kind = rng.choice(sorted(ORDINARY))
        folder = root / "modules" / f"{kind}-{n}"
        folder.mkdir(parents=True, exist_ok=True)
        parts = rng.randint(2, 4)
        for p in range(parts):
            # Real modules hold 100-400 lines per file: several resources of a few kinds.
            body = "".join(ORDINARY[k].format(i=f"{n}_{p}_{j}")
                           for j, k in enumerate(rng.choices(sorted(ORDINARY),
                                                             k=rng.randint(4, 7))))
            if rng.random() < cache_share * 3 / parts:
                body += CACHE[rng.choice(sorted(CACHE))].format()
            (folder / f"{kind}_{p}.tf").write_text(body)
        (folder / "variables.tf").write_text(VARIABLES)
        (folder / "locals.tf").write_text(LOCALS.format(kind=kind, n=n))
        (folder / "outputs.tf").write_text(
            'output "name" {\n  value = var.name\n}\n')
        written += parts + 3
        modules.append(folder.name)
        n += 1
    envs = ["dev", "staging", "prod"]
    per_env = max(1, len(modules) // len(envs))
    for e, env in enumerate(envs):
        folder = root / "envs" / env
        folder.mkdir(parents=True, exist_ok=True)
        chunk = modules[e * per_env:(e + 1) * per_env] or modules[:1]
        calls = "".join(f'module "{m.replace("-", "_")}" {{\n  source = "../../modules/{m}"\n'
                        f'  name   = "{env}-{m}"\n  stage  = "{env}"\n}}\n\n' for m in chunk)
        (folder / "main.tf").write_text(calls)
        (folder / "terraform.tfvars").write_text(f'env = "{env}"\n')
        (folder / "variables.tf").write_text('variable "env" {\n  type = string\n}\n')
        written += 2
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--files", type=int, default=800)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(generate(args.out, args.files, args.seed))


if __name__ == "__main__":
    main()
