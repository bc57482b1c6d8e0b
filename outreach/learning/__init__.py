"""outreach/learning."""
