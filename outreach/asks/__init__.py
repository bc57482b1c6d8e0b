"""outreach/asks."""
