resource "aws_apigatewayv2_api" "public" { # expect: CL503
  name          = "public"
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_route" "catalog" {
  api_id    = aws_apigatewayv2_api.public.id
  route_key = "GET /catalog" # cachelint: hot
}
