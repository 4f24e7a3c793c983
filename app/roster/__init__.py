"""The lease roster: importing the housing centre's list of households and occupants."""
