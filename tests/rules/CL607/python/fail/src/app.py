import functools
import os

import boto3

table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
_prices = {}


@functools.lru_cache(maxsize=None)  # expect: CL607
def product(product_id):
    return table.get_item(Key={"id": product_id})["Item"]


def price(product_id):
    if product_id not in _prices:
        _prices[product_id] = table.get_item(Key={"id": product_id})["Item"]["price"]  # expect: CL607
    return _prices[product_id]


def handler(event, context):
    return {"product": product(event["id"]), "price": price(event["id"])}
