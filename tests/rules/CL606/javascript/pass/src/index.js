const Redis = require("ioredis");
const { DynamoDBClient, GetItemCommand } = require("@aws-sdk/client-dynamodb");

const redis = new Redis(process.env.REDIS_HOST);
const ddb = new DynamoDBClient({});

exports.handler = async (event) => {
  const key = `product:${event.id}`;
  let cached = null;
  try {
    cached = await redis.get(key);
  } catch (err) {
    console.warn("cache unavailable, reading the table", err);
  }
  if (cached) {
    return JSON.parse(cached);
  }
  const item = await ddb.send(
    new GetItemCommand({ TableName: process.env.TABLE_NAME, Key: { id: { S: event.id } } }));
  await redis.set(key, JSON.stringify(item), "EX", 3600 + Math.floor(Math.random() * 300)).catch(() => null);
  return item;
};

exports.price = async (event) => {
  const cached = await redis.get(`price:${event.id}`).catch(() => null);
  return cached ?? (await ddb.send(
    new GetItemCommand({ TableName: process.env.TABLE_NAME, Key: { id: { S: event.id } } })));
};
