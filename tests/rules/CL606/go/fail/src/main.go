package main

import (
	"context"
	"database/sql"
	"math/rand"
	"os"
	"time"

	"github.com/redis/go-redis/v9"
)

var rdb = redis.NewClient(&redis.Options{Addr: os.Getenv("REDIS_HOST") + ":6379"})
var db *sql.DB

func handler(ctx context.Context, id string) (string, error) {
	key := "product:" + id
	product, err := rdb.Get(ctx, key).Result() // expect: CL606
	if err == redis.Nil {
		if err := db.QueryRowContext(ctx, "SELECT name FROM products WHERE id = $1", id).Scan(&product); err != nil {
			return "", err
		}
		rdb.Set(ctx, key, product, 5*time.Minute+time.Duration(rand.Intn(60))*time.Second)
	} else if err != nil {
		return "", err // a cache node failure fails the request
	}
	return product, nil
}
