"""One server, many clients: the clientserver kata.

Write a key-value Server and its Client, talking over TCP on 127.0.0.1 with the
line protocol the lesson fixes (`tddkit lesson clientserver`).

Run the tests:  tddkit watch   (or: python -m pytest tests/test_clientserver.py)
"""

from __future__ import annotations

import time


class ServerError(Exception):
    """The server answered a request with an error."""


class Server:
    def __init__(self, store: dict | None = None, delay=0.0, port: int = 0):
        raise NotImplementedError("Server.__init__")

    @property
    def address(self) -> tuple[str, int]:
        raise NotImplementedError("Server.address")

    def start(self) -> "Server":
        raise NotImplementedError("Server.start")

    def stop(self) -> None:
        raise NotImplementedError("Server.stop")

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class Client:
    def __init__(self, address, timeout: float = 2.0, cache_ttl: float = 0.0, clock=time.monotonic):
        raise NotImplementedError("Client.__init__")

    def get(self, key: str):
        raise NotImplementedError("Client.get")

    def get_many(self, keys) -> list:
        raise NotImplementedError("Client.get_many")

    def put(self, key: str, value):
        raise NotImplementedError("Client.put")

    def add(self, key: str, amount: int):
        raise NotImplementedError("Client.add")

    def close(self) -> None:
        raise NotImplementedError("Client.close")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
