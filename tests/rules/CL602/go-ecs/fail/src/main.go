package main

import (
	"context"
	"os"

	"github.com/aws/aws-dax-go-v2/dax"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

var orders = os.Getenv("ORDERS_TABLE")
var users = os.Getenv("USERS_TABLE")

func handler(ctx context.Context, id string) (*dynamodb.GetItemOutput, error) {
	awsCfg, _ := config.LoadDefaultConfig(ctx)
	plain := dynamodb.NewFromConfig(awsCfg)
	cfg := dax.NewConfig(awsCfg, os.Getenv("DAX_ENDPOINT"))
	cfg.HostPorts = []string{os.Getenv("DAX_ENDPOINT")}
	cached, _ := dax.New(cfg)
	key := map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: id}}
	_ = plain
	_ = cached
	return plain.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(orders), Key: key})  // expect: CL602
}
