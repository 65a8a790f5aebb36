"""Moved to ``fastlege.accounts.ratelimit`` (every log-in path uses it, the admin's too)."""

from fastlege.accounts.ratelimit import client_address, is_locked, record_failure, reset

__all__ = ["client_address", "is_locked", "record_failure", "reset"]
