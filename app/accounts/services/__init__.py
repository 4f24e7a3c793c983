"""Rules for people, by concern: login and sessions, roles, household binding."""
