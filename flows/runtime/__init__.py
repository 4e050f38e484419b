"""How the flows run: task runners (processes, threads, Dask), the temporary Prefect API, run
progress and console logs."""
