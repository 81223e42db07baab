import json
import logging
import os
import random

import boto3
import redis

cache = redis.Redis(host=os.environ["REDIS_HOST"], port=6379, ssl=True)
table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def handler(event, context):
    key = f"product:{event['id']}"
    try:
        product = cache.get(key)
    except redis.RedisError:
        logging.warning("cache unavailable, reading the table")
        product = None
    if product is None:
        product = json.dumps(table.get_item(Key={"id": event["id"]})["Item"])
        try:
            cache.set(key, product, ex=3600 + random.randint(0, 300))
        except redis.RedisError:
            pass
    return product


def session(event, context):
    """A read with no source behind it in the function: nothing to fall back to here."""
    return cache.get(f"session:{event['token']}")
