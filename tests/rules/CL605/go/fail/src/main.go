package main

import (
	"context"
	"crypto/tls"
	"database/sql"
	"os"
	"time"

	"github.com/redis/go-redis/v9"
)

var rdb = redis.NewClient(&redis.Options{Addr: os.Getenv("REDIS_HOST") + ":6379", TLSConfig: &tls.Config{}})
var db *sql.DB

func handler(ctx context.Context, id string) (string, error) {
	key := "product:" + id
	product, err := rdb.Get(ctx, key).Result()
	if err == nil {
		return product, nil
	}
	if err := db.QueryRowContext(ctx, "SELECT name FROM products WHERE id = $1", id).Scan(&product); err != nil {
		return "", err
	}
	rdb.Set(ctx, key, product, 5*time.Minute) // expect: CL605
	return product, nil
}
