"""scsearch: search over the documents of the Czech Working Group for Smart Cities."""

__version__ = "0.1.0"
