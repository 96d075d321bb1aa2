"""harmonise."""
