"""Operations around the pipeline: `newsindex setup` (templates, Kibana objects, security) and
the local Elasticsearch and Dask clusters for machines without Docker."""
