import functools
import os

import boto3

table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


@functools.lru_cache(maxsize=None)
def product(product_id):
    return table.get_item(Key={"id": product_id})["Item"]
