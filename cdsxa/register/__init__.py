"""The commune register: villages, households, people (and later teams)."""
