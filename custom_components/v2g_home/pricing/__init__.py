"""Home Assistant glue for prices: the price coordinator, its settings and its entities."""
