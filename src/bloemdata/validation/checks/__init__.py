"""The checks, one module per family of rules (each rule registered with its id and message)."""
