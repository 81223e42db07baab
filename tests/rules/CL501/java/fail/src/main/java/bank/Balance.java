package bank;

import java.util.Map;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;

public class Balance {
    private static final String TABLE = System.getenv("TABLE_NAME");
    private final DynamoDbClient ddb = DynamoDbClient.create();

    // The balance must be the latest write: a strongly consistent read.
    public String handleRequest(String account) {
        Map<String, AttributeValue> key = Map.of("account", AttributeValue.fromS(account));
        return ddb.getItem(GetItemRequest.builder().tableName(TABLE).key(key).consistentRead(true).build()).toString();
    }
}
