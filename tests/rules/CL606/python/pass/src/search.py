import json
import logging
import os

import boto3
import redis

cache = redis.Redis(host=os.environ["REDIS_HOST"], port=6379, ssl=True)
table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def search(event, context):
    try:
        hit = cache.get(f"search:{event['q']}")
    except redis.RedisError:
        logging.warning("cache unavailable")  # a cache error is a miss
        hit = None
    if hit is not None:
        return {"statusCode": 200, "body": hit}
    try:
        found = table.query(KeyConditionExpression="q = :q")["Items"]
    except Exception as exc:
        return {"statusCode": 500, "body": str(exc)}
    return {"statusCode": 200, "body": json.dumps(found)}
