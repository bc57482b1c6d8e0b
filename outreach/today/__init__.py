"""outreach/today."""
