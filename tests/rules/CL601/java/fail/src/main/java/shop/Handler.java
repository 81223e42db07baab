package shop;

import redis.clients.jedis.Jedis;

public class Handler {
    private final Jedis jedis = new Jedis(System.getenv("REDIS_HOST"), 6379, true);

    public String handleRequest(String id) {
        String key = "product:" + id;
        String product = jedis.get(key);
        if (product == null) {
            product = loadProduct(id);
            jedis.set(key, product);  // expect: CL601
        }
        return product;
    }

    private String loadProduct(String id) {
        return id;
    }
}
