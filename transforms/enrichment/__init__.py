"""The enrich stage after cleaning: canonical entities, MinHash signatures and story groups."""
