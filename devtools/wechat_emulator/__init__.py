"""A loopback emulator of the WeChat server APIs linli calls, for tests, benchmarks and demos."""

from .server import EmulatorServer

__all__ = ["EmulatorServer"]
