"""People: users, their WeChat identities, their memberships and roles in communities."""
