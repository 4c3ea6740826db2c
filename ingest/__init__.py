"""Ingestion: files -> text units -> metadata -> lemmas."""
