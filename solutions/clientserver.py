"""A key-value server and its client over TCP: the clientserver kata (the reference solution)."""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid

HOST = "127.0.0.1"


class ServerError(Exception):
    """The server answered a request with an error."""


def _line(message: dict) -> bytes:
    return json.dumps(message).encode() + b"\n"


class Server:
    def __init__(self, store: dict | None = None, delay=0.0, port: int = 0):
        self.store = {} if store is None else store
        self.delay = delay if callable(delay) else (lambda key, d=delay: d)
        self.port = port
        self.requests = 0
        self._answers: dict[str, dict] = {}        # idempotency key -> the answer it got
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._conns: list[socket.socket] = []
        self._listener: socket.socket | None = None

    @property
    def address(self) -> tuple[str, int]:
        return self._listener.getsockname()

    def start(self) -> "Server":
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind((HOST, self.port))
        self._listener.listen(16)
        self._listener.settimeout(0.05)            # so the accept loop sees stop() soon
        self._spawn(self._accept_loop)
        return self

    def stop(self) -> None:
        self._stopping.set()
        with self._lock:
            conns = list(self._conns)
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for t in list(self._threads):
            t.join(timeout=2)
        for conn in conns:
            conn.close()
        if self._listener is not None:
            self._listener.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def _spawn(self, target, *args) -> None:
        t = threading.Thread(target=target, args=args, daemon=True)
        with self._lock:
            self._threads.append(t)
        t.start()

    def _accept_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                conn, _ = self._listener.accept()
            except (TimeoutError, socket.timeout):
                continue
            except OSError:
                return
            with self._lock:
                self._conns.append(conn)
            self._spawn(self._serve, conn)         # one thread per client: a slow one blocks no other

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(0.1)
        send_lock = threading.Lock()
        buffer = b""
        while not self._stopping.is_set():
            try:
                chunk = conn.recv(65536)
            except (TimeoutError, socket.timeout):
                continue
            except OSError:
                return
            if not chunk:
                return
            buffer += chunk
            while b"\n" in buffer:
                raw, buffer = buffer.split(b"\n", 1)
                # each request on its own thread: a slow one does not hold up those behind it
                self._spawn(self._answer, conn, send_lock, raw)

    def _answer(self, conn, send_lock, raw: bytes) -> None:
        try:
            request = json.loads(raw)
            if not isinstance(request, dict):
                raise ValueError("a request is a JSON object")
        except ValueError as e:
            reply = {"id": None, "error": f"not a request: {e}"}
        else:
            if self._stopping.wait(self.delay(request.get("key"))):
                return
            reply = self._apply(request)
        with send_lock:
            try:
                conn.sendall(_line(reply))
            except OSError:
                pass

    def _apply(self, request: dict) -> dict:
        rid, op, key = request.get("id"), request.get("op"), request.get("key")
        if not isinstance(key, str) or op not in ("get", "put", "add"):
            return {"id": rid, "error": f"unknown op {op!r} or key {key!r}"}
        with self._lock:
            self.requests += 1
            idem = request.get("idem")
            if idem is not None and idem in self._answers:
                return {**self._answers[idem], "id": rid}
            if op == "get":
                reply = {"id": rid, "value": self.store.get(key)}
            elif op == "put":
                self.store[key] = request.get("value")
                reply = {"id": rid, "value": self.store[key]}
            else:
                amount = request.get("amount")
                if not isinstance(amount, int):
                    return {"id": rid, "error": f"add needs an int amount, not {amount!r}"}
                current = self.store.get(key, 0)
                if not isinstance(current, int):
                    return {"id": rid, "error": f"add to {key!r}, which holds {current!r}, not a number"}
                self.store[key] = current + amount
                reply = {"id": rid, "value": self.store[key]}
            if idem is not None:
                self._answers[idem] = reply
            return reply


class Client:
    def __init__(self, address, timeout: float = 2.0, cache_ttl: float = 0.0, clock=time.monotonic):
        self.address = tuple(address)
        self.timeout = timeout
        self.cache_ttl = cache_ttl
        self.clock = clock
        self._cache: dict[str, tuple[float, object]] = {}   # key -> (when fetched, value)
        self._next_id = 0
        self._sock: socket.socket | None = None
        self._buffer = b""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def get(self, key: str):
        return self.get_many([key])[0]

    def get_many(self, keys) -> list:
        keys = list(keys)
        now = self.clock()
        fresh = {}
        for k in keys:
            if k in self._cache and now - self._cache[k][0] < self.cache_ttl:
                fresh[k] = self._cache[k][1]
        wanted = [k for k in keys if k not in fresh]
        answers = self._call([{"op": "get", "key": k} for k in wanted])
        for k, v in zip(wanted, answers):
            fresh[k] = v
            self._remember(k, v, now)
        return [fresh[k] for k in keys]

    def put(self, key: str, value):
        value = self._call([{"op": "put", "key": key, "value": value}])[0]
        self._remember(key, value, self.clock())
        return value

    def add(self, key: str, amount: int):
        value = self._call([{"op": "add", "key": key, "amount": amount}])[0]
        self._remember(key, value, self.clock())
        return value

    def _remember(self, key, value, when) -> None:
        if self.cache_ttl > 0:
            self._cache[key] = (when, value)

    def _call(self, requests: list[dict]) -> list:
        """Send every request at once (pipelined), then match the answers by id."""
        pending = {}
        for r in requests:
            self._next_id += 1
            r = {**r, "id": self._next_id}
            if r["op"] != "get":
                r["idem"] = uuid.uuid4().hex       # the same key on every resend: applied once
            pending[r["id"]] = r
        order = list(pending)
        answers = {}
        deadline = time.monotonic() + self.timeout
        self._send(list(pending.values()), deadline)
        while pending:
            try:
                reply = self._receive(deadline)
            except (ConnectionError, EOFError):
                self.close()                       # the server went away: reconnect, resend
                self._send(list(pending.values()), deadline)
                continue
            rid = reply.get("id")
            if rid not in pending:
                continue
            del pending[rid]
            if "error" in reply:
                raise ServerError(reply["error"])
            answers[rid] = reply.get("value")
        return [answers[i] for i in order]

    def _send(self, requests: list[dict], deadline: float) -> None:
        while True:
            try:
                if self._sock is None:
                    self._connect(deadline)
                self._sock.sendall(b"".join(_line(r) for r in requests))
                return
            except OSError:
                self.close()
                if time.monotonic() >= deadline:
                    raise TimeoutError(f"no connection to the server at {self.address} "
                                       f"within {self.timeout} s")
                time.sleep(0.02)

    def _connect(self, deadline: float) -> None:
        self._buffer = b""
        self._sock = socket.create_connection(self.address, timeout=max(0.01, deadline - time.monotonic()))

    def _receive(self, deadline: float) -> dict:
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no answer from the server within {self.timeout} s")
            self._sock.settimeout(left)
            try:
                chunk = self._sock.recv(65536)
            except (TimeoutError, socket.timeout):
                continue
            except OSError as e:
                raise ConnectionError(str(e)) from e
            if not chunk:
                raise EOFError("the server closed the connection")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\n", 1)
        return json.loads(raw)
