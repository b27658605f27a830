"""Feed models."""
