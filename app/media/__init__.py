"""Uploaded images: checked, re-encoded without metadata, stored, moderated by WeChat."""
