resource "aws_dax_parameter_group" "reads" {
  name = "reads"

  parameters {
    name  = "record-ttl-millis"
    value = "60000"
  }
}
