"""Making It Real toolkit."""
