"""Adding a page: align statement texts to a raw page, propose statements, review, add."""
