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
var prices = map[string]*dynamodb.GetItemOutput{}

func price(ctx context.Context, id string) (*dynamodb.GetItemOutput, error) {
	if found, ok := prices[id]; ok {
		return found, nil
	}
	cfg, _ := config.LoadDefaultConfig(ctx)
	ddb := dynamodb.NewFromConfig(cfg)
	key := map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: id}}
	out, err := ddb.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: key})
	if err != nil {
		return nil, err
	}
	prices[id] = out // expect: CL607
	return out, nil
}
