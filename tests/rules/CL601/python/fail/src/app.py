import os

import redis

cache = redis.Redis(host=os.environ["REDIS_HOST"], port=6379, ssl=True)


def handler(event, context):
    key = f"product:{event['id']}"
    product = cache.get(key)
    if product is None:
        product = load_product(event["id"])
        cache.set(key, product)  # expect: CL601
    return product


def load_product(product_id):
    return product_id
