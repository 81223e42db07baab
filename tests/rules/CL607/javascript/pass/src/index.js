const { DynamoDBClient, GetItemCommand } = require("@aws-sdk/client-dynamodb");

const ddb = new DynamoDBClient({});
const products = new Map();
const TTL_MS = 60000;

async function product(id) {
  const entry = products.get(id);
  if (entry && Date.now() - entry.at < TTL_MS) {
    return entry.item;
  }
  const item = await ddb.send(
    new GetItemCommand({ TableName: process.env.TABLE_NAME, Key: { id: { S: id } } }));
  products.set(id, { item, at: Date.now() });
  return item;
}

exports.handler = async (event) => product(event.id);
