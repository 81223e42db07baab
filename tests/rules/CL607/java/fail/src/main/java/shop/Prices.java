package shop;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;

public class Prices {
    private static final String TABLE = System.getenv("TABLE_NAME");
    private static final Map<String, String> PRICES = new ConcurrentHashMap<>();
    private static final Map<String, String> NAMES = new ConcurrentHashMap<>();
    private final DynamoDbClient ddb = DynamoDbClient.create();

    public String handleRequest(String id) {
        return price(id) + " " + name(id);
    }

    private String price(String id) {
        String found = PRICES.get(id);
        if (found == null) {
            found = ddb.getItem(GetItemRequest.builder().tableName(TABLE)
                .key(Map.of("id", AttributeValue.fromS(id))).build()).item().get("price").n();
            PRICES.put(id, found);  // expect: CL607
        }
        return found;
    }

    private String name(String id) {
        return NAMES.computeIfAbsent(id, key -> ddb.getItem(GetItemRequest.builder()  // expect: CL607
            .tableName(TABLE).key(Map.of("id", AttributeValue.fromS(key))).build()).item().get("name").s());
    }
}
