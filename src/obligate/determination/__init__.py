"""determination."""
