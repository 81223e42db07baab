const redis = require("redis");
const { promisify } = require("util");

const client = redis.createClient({ host: process.env.REDIS_HOST, port: 6379 });
const getAsync = promisify(client.get).bind(client);

exports.todo = async (id, db) => {
  const cached = await getAsync(`todo:${id}`);
  if (cached) {
    return JSON.parse(cached);
  }
  const item = await db.load(id);
  client.set(`todo:${id}`, JSON.stringify(item));  // expect: CL601
  return item;
};
