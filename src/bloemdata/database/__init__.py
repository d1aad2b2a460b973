"""The SQLite database Datasette serves: build, layout, derived tables, the changes table."""
