const { DynamoDBClient, GetItemCommand } = require("@aws-sdk/client-dynamodb");

const ddb = new DynamoDBClient({});
const products = new Map();

async function product(id) {
  if (!products.has(id)) {
    const item = await ddb.send(
      new GetItemCommand({ TableName: process.env.TABLE_NAME, Key: { id: { S: id } } }));
    products.set(id, item); // expect: CL607
  }
  return products.get(id);
}

exports.handler = async (event) => product(event.id);
