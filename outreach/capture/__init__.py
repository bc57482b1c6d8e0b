"""Capture: the mailbox and the calendar log their own touches."""
