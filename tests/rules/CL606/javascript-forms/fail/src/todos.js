const redis = require("redis");
const { promisify } = require("util");
const { DynamoDBClient, GetItemCommand } = require("@aws-sdk/client-dynamodb");

const client = redis.createClient({ host: process.env.REDIS_HOST });
const getAsync = promisify(client.get).bind(client);
const ddb = new DynamoDBClient({});

exports.todo = async (event) => {
  try {
    const cached = await getAsync(`todo:${event.id}`); // expect: CL606
    if (cached) {
      return JSON.parse(cached);
    }
    return await ddb.send(
      new GetItemCommand({ TableName: process.env.TABLE_NAME, Key: { id: { S: event.id } } }));
  } catch (err) {
    console.error(err);
    throw err;
  }
};
