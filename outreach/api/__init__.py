"""REST API v1: JSON over bearer tokens."""

from outreach.api.blueprint import bp

__all__ = ["bp"]
