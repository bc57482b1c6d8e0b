"""outreach/contacts."""
