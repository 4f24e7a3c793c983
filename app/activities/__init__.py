"""Activities: sign-ups with seats never oversold, the waiting list, check-in, reminders."""
