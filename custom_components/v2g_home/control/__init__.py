"""What each device must do now, and the rules that keep the car and the grid safe (pure: no Home Assistant)."""
