import json
import os

import boto3

table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def handler(event, context):
    account = event["queryStringParameters"]["account"]
    item = table.get_item(Key={"account": account}, ConsistentRead=True)["Item"]
    return {"statusCode": 200, "body": json.dumps({"balance": str(item["balance"])})}
