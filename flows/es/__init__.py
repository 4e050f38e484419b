"""Elasticsearch I/O: the client, templates and versioned indices, bulk writes and the
dead-letter of refused documents, dedup candidates, search, the writer lease, the run log."""
