const Redis = require("ioredis");

const redis = new Redis({ host: process.env.REDIS_HOST, port: 6379, tls: {} });

exports.saveSession = async (sid, data) => {
  await redis.set(`session:${sid}`, JSON.stringify(data));  // a store: no read-through
};

exports.ping = async () => {
  await redis.set("data", "value");  // a connectivity check writes a constant and reads it
  return redis.get("data");
};
