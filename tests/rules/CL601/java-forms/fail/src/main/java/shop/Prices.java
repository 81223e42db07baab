package shop;

import redis.clients.jedis.Jedis;

public class Prices {
    private static Jedis connect() {
        return new Jedis(System.getenv("REDIS_HOST"), 6379, true);
    }

    public String price(String sku) {
        Jedis jedis = connect();
        String price = jedis.get("price:" + sku);
        if (price == null) {
            price = loadPrice(sku);
            jedis.set("price:" + sku, price);  // expect: CL601
        }
        return price;
    }

    private String loadPrice(String sku) {
        return sku;
    }
}
