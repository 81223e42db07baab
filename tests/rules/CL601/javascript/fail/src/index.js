const Redis = require("ioredis");

const redis = new Redis({ host: process.env.REDIS_HOST, port: 6379, tls: {} });

exports.handler = async (event) => {
  const key = `product:${event.id}`;
  let product = await redis.get(key);
  if (product === null) {
    product = await loadProduct(event.id);
    await redis.set(key, product);  // expect: CL601
  }
  return product;
};

async function loadProduct(id) {
  return JSON.stringify({ id });
}
