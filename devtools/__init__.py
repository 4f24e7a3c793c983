"""Developer tools that ship with linli but are never imported by app/."""
