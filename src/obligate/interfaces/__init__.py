"""Stage 7, interfaces: thin layers over the Python API — the CLI, the HTTP server and web page,
batch answering of tables, and the decision log."""
