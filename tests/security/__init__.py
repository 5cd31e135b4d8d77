"""The hostile-input and resilience suite: each test names the threat it answers (docs/security.md)."""
