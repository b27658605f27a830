"""Connects the policy signals to the outbox."""
