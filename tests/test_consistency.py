"""What a DynamoDB service integration says about read consistency (cachelint.consistency): the
evidence CL501 names, and every case where it cannot be told staying unknown, never false."""

from __future__ import annotations

import pytest

from cachelint.consistency import Integration, dynamodb_action, strong_read_evidence
from cachelint.values import UNKNOWN, UNREAD

GET = f"arn:aws:apigateway:{UNREAD}:dynamodb:action/GetItem"
TEMPLATE = '{"TableName": "t", "Key": {"id": {"S": "$input.params(\'id\')"}}, %s}'


@pytest.mark.parametrize("uri, action", [
    ("arn:aws:apigateway:eu-west-1:dynamodb:action/Query", "Query"),
    (GET, "GetItem"),  # the region could not be read: the action still can
    ("arn:aws-cn:apigateway:cn-north-1:dynamodb:action/TransactGetItems", "TransactGetItems"),
    ("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn/invocations", None),
    ("https://backend.example.com/items", None),
    (None, None),
    (f"arn:aws:apigateway:us-east-1:{UNREAD}:action/GetItem", UNKNOWN),  # service unread
    (f"arn:aws:apigateway:us-east-1:dynamodb:action/{UNREAD}", UNKNOWN),  # action unread
    (UNKNOWN, UNKNOWN),
])
def test_dynamodb_action(uri, action):
    assert dynamodb_action(uri) is action or dynamodb_action(uri) == action


@pytest.mark.parametrize("integration, expected", [
    (Integration("AWS", GET, {"application/json": TEMPLATE % '"ConsistentRead": true'}),
     "asks for ConsistentRead: true"),
    (Integration("aws", GET, {"application/json": TEMPLATE % '"ConsistentRead":true'}),
     "asks for ConsistentRead: true"),
    (Integration("AWS", "arn:aws:apigateway:r:dynamodb:action/TransactGetItems"),
     "TransactGetItems"),
    # DynamoDB's default: eventually consistent, nothing asked
    (Integration("AWS", GET, {"application/json": TEMPLATE % '"Limit": 1'}), None),
    (Integration("AWS", GET, {"application/json": TEMPLATE % '"ConsistentRead": false'}), None),
    (Integration("AWS", GET), None),  # no template: the client's body passes through
    (Integration("AWS_PROXY", "arn:aws:apigateway:r:lambda:path/x"), None),
    (Integration("HTTP_PROXY", "https://x"), None),
    (None, None),
    # unknown stays unknown
    (Integration("AWS", GET, {"application/json": TEMPLATE % f'"ConsistentRead": {UNREAD}'}),
     UNKNOWN),
    (Integration("AWS", GET, {"application/json": f'{{"TableName": "t"{UNREAD}}}'}), UNKNOWN),
    (Integration("AWS", GET, {"application/json": UNKNOWN}), UNKNOWN),
    (Integration("AWS", GET, UNKNOWN), UNKNOWN),
    (Integration(UNKNOWN, GET, {"application/json": TEMPLATE % '"ConsistentRead": true'}),
     UNKNOWN),
    (Integration("AWS", UNKNOWN, {"application/json": TEMPLATE % '"ConsistentRead": true'}),
     UNKNOWN),
    # two mentions that disagree (a VTL #if): cannot be told
    (Integration("AWS", GET, {"application/json": '#if($x)"ConsistentRead": true#else'
                                                  '"ConsistentRead": false#end'}), UNKNOWN),
])
def test_strong_read_evidence(integration, expected):
    got = strong_read_evidence(integration)
    if isinstance(expected, str):
        assert isinstance(got, str) and expected in got
    else:
        assert got is expected


def test_terraform_partial_text_keeps_what_it_can_read():
    from cachelint.loaders.terraform.evaluate import partial_text
    from cachelint.loaders.terraform.hcl import parse_expression

    class Scope:
        def lookup(self, name):
            return UNKNOWN

    uri = '"arn:aws:apigateway:${var.region}:dynamodb:action/Query"'
    text = partial_text(parse_expression(uri), Scope())
    assert text == f"arn:aws:apigateway:{UNREAD}:dynamodb:action/Query"
    body = partial_text(parse_expression('jsonencode({TableName = var.t, ConsistentRead = true})'),
                        Scope())
    assert body == f'{{"ConsistentRead":true,"TableName":"{UNREAD}"}}'
