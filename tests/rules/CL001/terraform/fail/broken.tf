resource "aws_dax_cluster" "reads" {
  cluster_name = "reads"
  replication_factor = = 3 # expect: CL001
}
