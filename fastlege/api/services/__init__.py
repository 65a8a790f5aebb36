"""Writes of the API app: registering clients and issuing, rotating and revoking tokens."""
