"""Communities (tenants) and, later, their buildings, households, grids and organisations."""
