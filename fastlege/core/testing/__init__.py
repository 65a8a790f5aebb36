"""Test helpers shared by the apps' test suites (not imported by the running site)."""
