"""outreach/transfer."""
