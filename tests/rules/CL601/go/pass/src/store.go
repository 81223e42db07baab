package main

import (
	"context"
	"os"

	"github.com/redis/go-redis/v9"
)

var store = redis.NewClient(&redis.Options{Addr: os.Getenv("REDIS_HOST") + ":6379"})

func saveSession(ctx context.Context, id string, data string) {
	store.Set(ctx, "session:"+id, data, 0) // a store: no read-through of the key
}

func ping(ctx context.Context) string {
	store.Set(ctx, "ping", "pong", 0) // a constant written and read back
	v, _ := store.Get(ctx, "ping").Result()
	return v
}
