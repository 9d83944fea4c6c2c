"""Question banks: the YAML schema, a strict loader, the database sync, frozen keys, uploads, formats, item parameters."""
