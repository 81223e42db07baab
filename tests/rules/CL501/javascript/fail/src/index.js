const { DynamoDBClient, TransactGetItemsCommand } = require("@aws-sdk/client-dynamodb");

const ddb = new DynamoDBClient({});

// The balance and its pending holds, read together in one transaction.
exports.handler = async (event) => {
  const account = event.queryStringParameters.account;
  const out = await ddb.send(new TransactGetItemsCommand({
    TransactItems: [
      { Get: { TableName: process.env.TABLE_NAME, Key: { account: { S: account } } } },
      { Get: { TableName: process.env.TABLE_NAME, Key: { account: { S: `${account}#holds` } } } },
    ],
  }));
  return { statusCode: 200, body: JSON.stringify(out.Responses) };
};
