"""The data folder on this PC: opening it, its lock, paths, backups, restores,
encryption of old profiles, and the log file."""
