"""Problem reports (报事): categories, photos, routing, workflow and timeline, "me too"."""
