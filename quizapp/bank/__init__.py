"""Question banks: the YAML schema, a strict loader and the database sync."""
