package shop;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

public class Handler {
    private final Jedis jedis = new Jedis(System.getenv("REDIS_HOST"), 6379, true);

    public String handleRequest(String id) throws SQLException {
        String key = "product:" + id;
        String product = null;
        try {
            product = jedis.get(key);
        } catch (JedisException e) {
            product = null;
        }
        if (product == null) {
            try (Connection db = DriverManager.getConnection(System.getenv("DB_URL"));
                 PreparedStatement q = db.prepareStatement("SELECT name FROM products WHERE id = ?")) {
                q.setString(1, id);
                ResultSet rows = q.executeQuery();
                product = rows.next() ? rows.getString(1) : "";
            }
            jedis.setex(key, 300, product);  // expect: CL605
        }
        return product;
    }
}
