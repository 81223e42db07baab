"""cachelint: find caching anti-patterns in AWS infrastructure."""

__version__ = "0.1.0"
