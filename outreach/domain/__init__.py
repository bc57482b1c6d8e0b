"""outreach/domain."""
