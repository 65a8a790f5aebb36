"""Writes of the events app: publishing the outbox, managing webhook subscriptions,
delivering to them."""
