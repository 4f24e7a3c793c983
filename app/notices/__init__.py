"""Notices staff publish to residents, in the app and as WeChat subscribe messages."""
