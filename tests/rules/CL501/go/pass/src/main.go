package main

import (
	"context"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

var table = os.Getenv("TABLE_NAME")

func handler(ctx context.Context, account string) (*dynamodb.GetItemOutput, error) {
	cfg, _ := config.LoadDefaultConfig(ctx)
	ddb := dynamodb.NewFromConfig(cfg)
	key := map[string]types.AttributeValue{"account": &types.AttributeValueMemberS{Value: account}}
	return ddb.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: key})
}
