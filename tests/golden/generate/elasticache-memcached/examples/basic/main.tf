provider "aws" {
  region = "eu-west-1"
}

module "sessions" {
  source = "../../"

  name       = "sessions"
  vpc_id     = "vpc-0123456789abcdef0"
  subnet_ids = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
}
