package main

import (
	"context"
	"os"

	"github.com/redis/go-redis/v9"
)

func newCache() *redis.Client {
	return redis.NewClient(&redis.Options{Addr: os.Getenv("REDIS_HOST") + ":6379"})
}

func user(ctx context.Context, id string) string {
	cache := newCache()
	name, err := cache.Get(ctx, "user:"+id).Result()
	if err == redis.Nil {
		name = loadProduct(id)
		cache.Set(ctx, "user:"+id, name, 0) // expect: CL601
	}
	return name
}
