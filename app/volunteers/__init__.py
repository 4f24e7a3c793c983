"""The volunteer corps: teams, members and the append-only hours ledger."""
