api_cache_ttl = 7200 # two hours: "the catalogue rarely changes"
user_pool_arn = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Example"
