"""Home Assistant glue for scheduling: the loop (timers, events), settings storage, the plan view, entities."""
