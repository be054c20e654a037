"""Official documents: their types, the data they are drafted from, and the registry."""
