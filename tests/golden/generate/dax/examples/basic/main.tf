provider "aws" {
  region = "eu-west-1"
}

module "orders_dax" {
  source = "../../"

  name        = "orders-dax"
  table_names = ["orders"]
  vpc_id      = "vpc-0123456789abcdef0"
  subnet_ids  = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210", "subnet-00112233445566778"]
}
