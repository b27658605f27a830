"""The insurer data feed: the pull API over policies and the push side (a transactional outbox, signed webhooks)."""
