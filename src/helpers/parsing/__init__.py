"""Parsers that turn the raw documents into readings: printed value + exact quote + line."""
