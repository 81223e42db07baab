const { DynamoDBClient, GetItemCommand } = require("@aws-sdk/client-dynamodb");

const ddb = new DynamoDBClient({});

exports.handler = async (event) => {
  const account = event.queryStringParameters.account;
  const out = await ddb.send(new GetItemCommand({
    TableName: process.env.TABLE_NAME, Key: { account: { S: account } } }));
  return { statusCode: 200, body: JSON.stringify(out.Item) };
};
