"""outreach/core."""
