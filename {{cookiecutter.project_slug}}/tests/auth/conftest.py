"""The fixtures of the account tests: a real SMTP server and its mailbox (tests/auth/mailbox.py)."""

from tests.auth.mailbox import mailbox, smtp_server

__all__ = ["mailbox", "smtp_server"]
