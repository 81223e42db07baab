variable "name" { type = string }
variable "node_type" { type = string }
