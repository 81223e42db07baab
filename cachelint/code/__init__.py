"""Application code next to the infrastructure: which cache, DAX and DynamoDB clients it builds
and what it calls on them (see docs/code-scanning.md). Importing this package parses nothing."""
