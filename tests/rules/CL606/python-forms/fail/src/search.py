import json
import os

import boto3
import redis

cache = redis.Redis(host=os.environ["REDIS_HOST"], port=6379, ssl=True)
table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def search(event, context):
    """A handler-wide try that turns any error into a 500 is no fallback to the table."""
    try:
        hit = cache.get(f"search:{event['q']}")  # expect: CL606
        if hit is not None:
            return {"statusCode": 200, "body": hit}
        found = table.query(KeyConditionExpression="q = :q")["Items"]
        return {"statusCode": 200, "body": json.dumps(found)}
    except Exception as exc:
        return {"statusCode": 500, "body": str(exc)}
