"""What the glue shares across Home Assistant releases."""
