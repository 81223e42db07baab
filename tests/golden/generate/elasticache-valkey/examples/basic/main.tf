provider "aws" {
  region = "eu-west-1"
}

# Clients authenticate through RBAC: the required "default" user is disabled and the
# application signs in as an IAM-authenticated user (no password to store).
resource "aws_elasticache_user" "default" {
  user_id       = "sessions-default"
  user_name     = "default"
  engine        = "valkey"
  access_string = "off -@all"

  authentication_mode {
    type = "no-password-required"
  }
}

resource "aws_elasticache_user" "app" {
  user_id       = "sessions-app"
  user_name     = "sessions-app"
  engine        = "valkey"
  access_string = "on ~* +@all"

  authentication_mode {
    type = "iam"
  }
}

resource "aws_elasticache_user_group" "app" {
  user_group_id = "sessions-users"
  engine        = "valkey"
  user_ids      = [aws_elasticache_user.default.user_id, aws_elasticache_user.app.user_id]
}

module "sessions" {
  source = "../../"

  name       = "sessions"
  vpc_id     = "vpc-0123456789abcdef0"
  subnet_ids = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]

  user_group_ids = [aws_elasticache_user_group.app.user_group_id]
}
