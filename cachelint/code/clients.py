"""Which constructions make a cache, DAX or DynamoDB client, per language: the fully qualified
name of what is called (resolved through the file's imports, never a variable's name) and the
client kind it makes. One table, read by the extractor; rules speak of kinds only."""

from __future__ import annotations

import re

# kind: redis (redis OSS and Valkey clients), memcached, dax, dynamodb
CONSTRUCTORS: dict[str, tuple[tuple[str, str, str], ...]] = {
    # (library shown in messages, kind, regex over the qualified name of the callee)
    "python": (
        ("redis-py", "redis", r"redis(\.asyncio|\.cluster|\.client)?\.(Redis|StrictRedis|"
                              r"RedisCluster)(\.from_url)?|redis(\.asyncio)?\.from_url"),
        ("valkey-py", "redis", r"valkey(\.asyncio|\.cluster|\.client)?\.(Valkey|StrictValkey|"
                               r"ValkeyCluster)(\.from_url)?|valkey(\.asyncio)?\.from_url"),
        ("valkey-glide", "redis", r"glide(_sync)?(\.glide_client)?\."
                                  r"(GlideClient|GlideClusterClient)\.create"),
        ("pymemcache", "memcached", r"pymemcache(\.client)?(\.base|\.hash)?\.(Client|HashClient|"
                                    r"PooledClient|RetryingClient)"),
        ("pylibmc", "memcached", r"pylibmc\.Client"),
        ("amazondax", "dax", r"amazondax\.AmazonDaxClient(\.resource|\.client)?"),
        ("boto3", "dynamodb", r"(aio)?boto3(\.session)?(\.Session\(\))?\.(client|resource)"),
    ),
    "javascript": (
        ("ioredis", "redis", r"i(o|ov)(redis|valkey)(\.default)?(\.Redis|\.Cluster)?"),
        ("node-redis", "redis", r"(redis|@redis/client)\.(createClient|createCluster)"),
        ("valkey-glide", "redis", r"@valkey/valkey-glide\.(GlideClient|GlideClusterClient)"
                                  r"\.createClient"),
        ("memjs", "memcached", r"memjs\.Client\.create"),
        ("amazon-dax-client", "dax", r"amazon-dax-client(\.default)?"),
        ("@amazon-dax-sdk/lib-dax", "dax",
         r"@amazon-dax-sdk/(lib-dax|client-dax)\.(DaxDocument|DaxDocumentClient|Dax|DaxClient)"
         r"(\.from)?"),
        ("aws-sdk", "dynamodb", r"aws-sdk(\.default)?\.DynamoDB(\.DocumentClient)?"),
        ("@aws-sdk/client-dynamodb", "dynamodb",
         r"@aws-sdk/client-dynamodb\.(DynamoDBClient|DynamoDB)"),
        ("@aws-sdk/lib-dynamodb", "dynamodb",
         r"@aws-sdk/lib-dynamodb\.(DynamoDBDocumentClient|DynamoDBDocument)(\.from)?"),
    ),
    "java": (
        ("Jedis", "redis", r"redis\.clients\.jedis\.(Jedis|JedisPool|JedisPooled|JedisCluster|"
                           r"UnifiedJedis|JedisSentinelPool)"),
        ("valkey-glide", "redis", r"glide\.api\.(GlideClient|GlideClusterClient)\.createClient"),
        ("Lettuce", "redis", r"io\.lettuce\.core\.(cluster\.RedisClusterClient|RedisClient)"),
        ("spymemcached", "memcached", r"net\.spy\.memcached\.MemcachedClient"),
        ("DAX Java client", "dax", r"com\.amazon\.dax\.client\.dynamodbv2\.(AmazonDaxClientBuilder|"
                                   r"ClusterDaxClient|AmazonDaxClient)|"
                                   r"software\.amazon\.dax\.ClusterDaxClient"),
        ("AWS SDK for Java", "dynamodb",
         r"software\.amazon\.awssdk\.services\.dynamodb\.(DynamoDbClient|DynamoDbAsyncClient)|"
         r"com\.amazonaws\.services\.dynamodbv2\.(AmazonDynamoDBClientBuilder|"
         r"AmazonDynamoDBClient|document\.DynamoDB)|"
         r"software\.amazon\.awssdk\.enhanced\.dynamodb\.DynamoDbEnhancedClient"),
    ),
    "go": (
        ("go-redis", "redis", r"github\.com/(redis|go-redis)/(go-)?redis(/v\d+)?\.(NewClient|"
                              r"NewClusterClient|NewUniversalClient|NewFailoverClient|NewRing)"),
        ("gomemcache", "memcached", r"github\.com/bradfitz/gomemcache/memcache\.New"),
        ("aws-dax-go", "dax", r"github\.com/aws/aws-dax-go(-v2)?/dax\.(New|NewWithSession)"),
        ("AWS SDK for Go", "dynamodb",
         r"github\.com/aws/aws-sdk-go(-v2)?/service/dynamodb\.(NewFromConfig|New)"),
    ),
}
COMPILED = {lang: tuple((lib, kind, re.compile(rx)) for lib, kind, rx in specs)
            for lang, specs in CONSTRUCTORS.items()}

# Methods of a client that return a client of the same kind (a connection, a pipeline, a
# table handle): what they are called on decides the kind, not the variable's name.
DERIVING = frozenset({"pipeline", "Table", "getResource", "connect", "sync", "async", "reactive",
                      "Pipeline", "TxPipeline", "multi", "duplicate", "getTable", "table"})
# Of those, the ones that take a table's name (boto3 Table, Java document API getTable).
TABLE_HANDLES = frozenset({"Table", "getTable", "table"})
# Python keyword, or the callee's first string argument, that says a boto3 client is DynamoDB's.
BOTO3_SERVICE = "dynamodb"

# --- what a rule calls a read or a write --------------------------------------------------------
CACHE_READS = frozenset({"get", "mget", "hget", "hgetall", "hmget", "getex", "get_many",
                         "get_multi", "gets", "Get", "MGet", "HGet", "HGetAll", "HMGet",
                         "GetMulti"})
DYNAMO_READS = frozenset({"get_item", "query", "scan", "batch_get_item", "GetItem", "Query",
                          "Scan", "BatchGetItem", "getItem", "batchGetItem", "get", "batchGet",
                          "GetItemWithContext", "QueryWithContext", "ScanWithContext",
                          "transact_get_items", "TransactGetItems", "transactGetItems",
                          "transactGet", "executeStatement", "execute_statement"})
CACHE_WRITES = frozenset({"set", "Set", "hset", "hSet", "HSet", "hmset", "hmSet", "HMSet",
                          "setex", "setEx", "SetEX", "psetex", "expire", "Expire", "pexpire"})
# Calls that use a client where it is made (``dax.Table(t).get_item()``, ``Redis().get(k)``).
USES = CACHE_READS | DYNAMO_READS | CACHE_WRITES | {"send"}
# Builder methods whose argument is the endpoint (the other builder arguments are not).
ENDPOINT_METHODS = re.compile(r"(?i)^(with)?(endpoint\w*|url|host\w*|endpointOverride|"
                              r"withEndpointConfiguration|overrideConfiguration)$")
# JavaScript SDK v3 commands sent with client.send(new XCommand(params)).
DYNAMO_READ_COMMANDS = re.compile(r"(GetItem|Query|Scan|BatchGetItem|Get|BatchGet)Command$")


def constructed(language: str, qualified: str, first_arg: str | None) -> tuple[str, str] | None:
    """(library, kind) of a client made by calling ``qualified``, or None."""
    for library, kind, rx in COMPILED.get(language, ()):
        if rx.fullmatch(qualified):
            if library == "boto3" and first_arg != BOTO3_SERVICE:
                return None
            return library, kind
    return None
