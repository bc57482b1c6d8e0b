"""outreach/episodes."""
