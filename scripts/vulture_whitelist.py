"""Names vulture cannot see used, each with who uses it. Run: .venv/bin/vulture (settings in
pyproject.toml). A name here that nothing uses any more is dead code: remove both."""

# Check functions: rules/*.yaml name them in `check:` (cachelint.checks.MODULE.FUNCTION).
cache_key_missing_identity
cache_low_hit_ratio
cache_rarely_hits
dax_fronts_global_table
dax_fronts_write_heavy_table
dax_replication_factor_low
dax_ttl_implicit
dax_ttl_zero
file_not_parsed
hot_http_api_without_cdn
noeviction_on_cache
non_idempotent_cached
read_heavy_without_dax
strongly_consistent_cached
uncached_hot_read

# Code rules (rules/code.yaml, rules/elasticache.yaml `evidence:`).
stampede_prone
cache_outage
local_memo
volatile_policy_evidence
dax_bypassed
dax_consistent_read
dax_table_not_served

# Model fields and properties that rules/*.yaml conditions (`field:`) and messages read.
encrypted  # apigateway.yaml, elasticache.yaml
require_authorization_for_cache_control  # apigateway.yaml
unauthorized_strategy  # apigateway.yaml
orphaned  # apigateway.yaml
nearest_method  # apigateway.yaml
function_may_answer  # cloudfront.yaml
meant_to_cache  # cloudfront.yaml
bucket_origin  # cloudfront.yaml (CL203)
forwarded_everything  # cloudfront.yaml
responses_per_viewer  # cloudfront.yaml
per_viewer_reason  # cloudfront.yaml
node_count  # elasticache.yaml
automatic_failover  # elasticache.yaml
at_rest_encryption  # elasticache.yaml
transit_encryption  # elasticache.yaml
kind_name  # elasticache.yaml
key_value_engine  # elasticache.yaml
transit_upgrade  # elasticache.yaml
failover_note  # elasticache.yaml
record_ttl_millis  # dax.yaml
query_ttl_millis  # dax.yaml
endpoint_encryption  # dax.yaml

# Category members: rules/*.yaml `category:` values, read with Category(value).
MISSING_TTL
UNCACHED_HOT_READ
CACHE_KEY
STAMPEDE
AVAILABILITY
COST
INEFFECTIVE

# checkov: the exported check files call make_check; checkov calls scan_resource_conf.
make_check
scan_resource_conf

# click reads these class attributes of usage.Group.
command_class
group_class

# Edge functions of a cache behaviour: which runtime (Lambda@Edge or CloudFront Functions);
# read by no rule yet, kept for the edge-function work of issue #15 (branch arch-link).
runtime

# Read by tests: the writers of sample access logs (tests/test_traffic.py) and how many files
# the process pool parsed (tests/test_speed_features.py).
write_apigateway
write_cloudfront
pooled
