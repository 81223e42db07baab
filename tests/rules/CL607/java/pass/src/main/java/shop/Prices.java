package shop;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;

public class Prices {
    private static final String TABLE = System.getenv("TABLE_NAME");
    private static final long TTL_MILLIS = 60_000;
    private static final Map<String, Entry> PRICES = new ConcurrentHashMap<>();
    private static final Map<String, String> SYMBOLS = new ConcurrentHashMap<>();
    private final DynamoDbClient ddb = DynamoDbClient.create();

    record Entry(String value, long at) {}

    public String handleRequest(String id) {
        Entry e = PRICES.get(id);
        if (e == null || System.currentTimeMillis() - e.at() > TTL_MILLIS) {
            String price = ddb.getItem(GetItemRequest.builder().tableName(TABLE)
                .key(Map.of("id", AttributeValue.fromS(id))).build()).item().get("price").n();
            e = new Entry(price, System.currentTimeMillis());  // each entry carries its time
            PRICES.put(id, new Entry(price, System.currentTimeMillis()));
        }
        return e.value() + symbol("EUR");
    }

    private String symbol(String code) {
        return SYMBOLS.computeIfAbsent(code, c -> c.equals("EUR") ? "€" : "$");  // pure: no source read
    }
}
