"""Survey instruments, waves and responses (issue 4)."""
