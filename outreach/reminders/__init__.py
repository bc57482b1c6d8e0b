"""outreach/reminders."""
