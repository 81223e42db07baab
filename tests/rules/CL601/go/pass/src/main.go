package main

import (
	"context"
	"crypto/tls"
	"os"
	"time"

	"github.com/redis/go-redis/v9"
)

var rdb = redis.NewClient(&redis.Options{Addr: os.Getenv("REDIS_HOST") + ":6379", TLSConfig: &tls.Config{}})

func handler(ctx context.Context, id string) (string, error) {
	key := "product:" + id
	product, err := rdb.Get(ctx, key).Result()
	if err == redis.Nil {
		product = loadProduct(id)
		rdb.Set(ctx, key, product, 5*time.Minute)
	}
	_ = time.Minute
	return product, nil
}

func loadProduct(id string) string {
	return id
}
