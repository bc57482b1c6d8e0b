"""outreach/calendar."""
