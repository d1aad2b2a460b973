"""Core: the package, its Table Schemas, anchors, the coded-data model and the errors.

The bottom layer: imports nothing else of bloemdata.
"""
