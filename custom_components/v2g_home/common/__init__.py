"""What the glue shares: the differences between Home Assistant releases, and what every action needs."""
