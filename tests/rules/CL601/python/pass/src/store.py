import os

import redis

r = redis.Redis(host=os.environ["REDIS_HOST"], port=6379, ssl=True)


def save_session(sid, data):
    r.set(f"session:{sid}", data)  # a store: no read-through of the key


def check_connection():
    r.set("ping", "pong")  # a constant written, then read back: a connectivity check
    return r.get("ping")


def benchmark(key, write):
    if write:
        r.set(key, read_row(key))  # the write path, not the miss path of the read below
    else:
        value = r.get(key)
        return value
    return None


def read_row(key):
    return key
