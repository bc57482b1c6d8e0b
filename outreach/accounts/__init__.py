"""outreach/accounts."""
