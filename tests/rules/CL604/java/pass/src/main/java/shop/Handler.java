package shop;

import java.util.Map;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.dax.ClusterDaxClient;
import software.amazon.dax.Configuration;

public class Handler {
    private static final String ORDERS = System.getenv("ORDERS_TABLE");
    private static final String USERS = System.getenv("USERS_TABLE");
    private final DynamoDbClient plain = DynamoDbClient.create();
    private final DynamoDbClient dax = ClusterDaxClient.builder()
        .overrideConfiguration(Configuration.builder().url(System.getenv("DAX_ENDPOINT")).build())
        .build();

    public String handleRequest(String id) {
        Map<String, AttributeValue> key = Map.of("id", AttributeValue.fromS(id));
        return plain.getItem(GetItemRequest.builder().tableName(USERS).key(key).build()).toString();
    }
}
