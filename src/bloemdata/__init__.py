"""bloemdata: coded statements from the anthology of Samen tegen mensenhandel."""

__version__ = "1.0.0"
