package shop;

import redis.clients.jedis.Jedis;

public class Sessions {
    private final Jedis jedis = new Jedis(System.getenv("REDIS_HOST"), 6379, true);

    public void save(String id, String data) {
        jedis.set("session:" + id, data);  // a store: no read-through of the key
    }

    public String ping() {
        jedis.set("ping", "pong");  // a constant written and read back
        return jedis.get("ping");
    }
}
