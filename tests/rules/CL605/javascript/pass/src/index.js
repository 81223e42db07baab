const Redis = require("ioredis");
const { DynamoDBClient, GetItemCommand } = require("@aws-sdk/client-dynamodb");

const redis = new Redis(process.env.REDIS_HOST);
const ddb = new DynamoDBClient({});

exports.handler = async (event) => {
  const key = `product:${event.id}`;
  const cached = await redis.get(key).catch(() => null);
  if (cached) {
    return JSON.parse(cached);
  }
  const item = await ddb.send(
    new GetItemCommand({ TableName: process.env.TABLE_NAME, Key: { id: { S: event.id } } }));
  // Jittered expiry: keys written together do not expire together.
  await redis.set(key, JSON.stringify(item), "EX", 300 + Math.floor(Math.random() * 60))
    .catch(() => null);
  return item;
};
