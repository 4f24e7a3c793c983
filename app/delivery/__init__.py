"""The delivery outbox: every WeChat subscribe message linli sends goes through it."""
