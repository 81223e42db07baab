import json
import os
import random

import boto3
import redis

cache = redis.Redis(host=os.environ["REDIS_HOST"], port=6379, ssl=True)
table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def handler(event, context):
    """Jittered expiry: keys written together do not expire together."""
    key = f"product:{event['id']}"
    try:
        product = cache.get(key)
    except redis.RedisError:
        product = None
    if product is None:
        product = json.dumps(table.get_item(Key={"id": event["id"]})["Item"])
        cache.set(key, product, ex=300 + random.randint(0, 60))
    return product


def price(event, context):
    """One caller reloads under a short lock (SET NX)."""
    key = f"price:{event['id']}"
    try:
        value = cache.get(key)
        if value is None and cache.set(f"lock:{key}", "1", nx=True, ex=10):
            value = json.dumps(table.get_item(Key={"id": event["id"]})["Item"])
            cache.set(key, value, ex=300)
    except redis.RedisError:
        value = None
    return value
