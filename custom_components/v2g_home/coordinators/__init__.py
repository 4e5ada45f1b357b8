"""Home Assistant glue for each device: the polling coordinators, the drivers they wrap, the base entity."""
