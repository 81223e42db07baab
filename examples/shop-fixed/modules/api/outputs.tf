output "domain" {
  value = "${aws_api_gateway_rest_api.this.id}.execute-api.eu-west-1.amazonaws.com"
}
