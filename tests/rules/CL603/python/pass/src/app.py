import os

import boto3
from amazondax import AmazonDaxClient

dynamodb = boto3.resource("dynamodb")
dax = AmazonDaxClient.resource(endpoint_url=os.environ["DAX_ENDPOINT"])


def handler(event, context):
    table = dax.Table(os.environ["ORDERS_TABLE"])
    return table.get_item(Key={"id": event["id"]})
