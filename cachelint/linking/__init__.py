"""The linking layer: readers declare what their source says, these modules derive what AWS
does with it, once for every source (docs/architecture.md).

- :mod:`cachelint.linking.apigateway`: stage settings flowing to methods, resource paths
- :mod:`cachelint.linking.cloudfront`: effective cache keys and TTLs, managed policies
- :mod:`cachelint.linking.datastores`: ElastiCache, DAX and DynamoDB
- :mod:`cachelint.linking.compute`: ECS task containers as functions
"""
