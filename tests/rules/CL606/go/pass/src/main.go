package main

import (
	"context"
	"database/sql"
	"log"
	"math/rand"
	"os"
	"time"

	"github.com/redis/go-redis/v9"
)

var rdb = redis.NewClient(&redis.Options{Addr: os.Getenv("REDIS_HOST") + ":6379"})
var db *sql.DB

func handler(ctx context.Context, id string) (string, error) {
	key := "product:" + id
	product, err := rdb.Get(ctx, key).Result()
	if err == nil {
		return product, nil
	}
	if err != redis.Nil {
		log.Printf("cache unavailable, reading the database: %v", err) // an error is a miss
	}
	if err := db.QueryRowContext(ctx, "SELECT name FROM products WHERE id = $1", id).Scan(&product); err != nil {
		return "", err
	}
	rdb.Set(ctx, key, product, 5*time.Minute+time.Duration(rand.Intn(60))*time.Second)
	return product, nil
}
