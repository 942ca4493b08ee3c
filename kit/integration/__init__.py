"""The integration engine: LDIF, processor configurations, JUEL, run levels, previews (pure Python, no I/O)."""
