"""The commune itself: its profile (names, villages' population figures) and settings."""
