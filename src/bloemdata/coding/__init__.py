"""Coded data beyond one coder: inter-coder reliability."""
