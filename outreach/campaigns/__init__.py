"""outreach/campaigns."""
