"""Services: plain functions that take a session and data, enforce ownership and flush, never commit."""
