import os

import redis


def get_cache():
    return redis.Redis(host=os.environ["REDIS_HOST"], port=6379, ssl=True)


def user(uid):
    cache = get_cache()
    found = cache.get(f"user:{uid}")
    if found is None:
        found = load_user(uid)
        cache.set(f"user:{uid}", found)  # expect: CL601
    return found


def remember(uid, profile):
    # a store: nothing reads this key through the cache here, the writer decides its lifetime
    get_cache().set(f"profile:{uid}", profile)


def load_user(uid):
    return uid
