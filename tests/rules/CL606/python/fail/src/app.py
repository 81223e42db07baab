import json
import os
import random

import boto3
import redis

cache = redis.Redis(host=os.environ["REDIS_HOST"], port=6379, ssl=True)
table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def handler(event, context):
    key = f"product:{event['id']}"
    product = cache.get(key)  # expect: CL606
    if product is None:
        product = json.dumps(table.get_item(Key={"id": event["id"]})["Item"])
        cache.set(key, product, ex=3600 + random.randint(0, 300))
    return product
