"""Tests of the clientserver kata, step by step.  Read them: they are the specification.

Every test runs on real TCP sockets on 127.0.0.1, port 0 (the system picks a free port);
every socket has a timeout; every server and client a test starts, it stops.
"""

from __future__ import annotations

import json
import socket
import threading
import time

import pytest

from katas.clientserver import Client, Server, ServerError

DELAY = 0.1          # the server's injected delay, R in the lesson
TIMEOUT = 1.0        # no socket waits longer than this


@pytest.fixture
def started():
    """start(...) gives a started Server; every one is stopped at the end of the test."""
    servers = []

    def start(**kw):
        server = Server(**kw).start()
        servers.append(server)
        return server
    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def clients():
    """connect(address, ...) gives a Client; every one is closed at the end of the test."""
    made = []

    def connect(address, **kw):
        kw.setdefault("timeout", TIMEOUT)
        client = Client(address, **kw)
        made.append(client)
        return client
    yield connect
    for client in made:
        client.close()


@pytest.fixture
def raw():
    """raw(address) gives a plain socket to the server, to speak the wire protocol by hand."""
    socks = []

    def connect(address):
        s = socket.create_connection(tuple(address), timeout=TIMEOUT)
        socks.append(s)
        return s
    yield connect
    for s in socks:
        s.close()


def ask(sock, message) -> dict:
    """Send one request line (a dict, or raw bytes as they are) and read one answer line."""
    sock.sendall(message if isinstance(message, bytes) else json.dumps(message).encode() + b"\n")
    data = b""
    while not data.endswith(b"\n"):
        chunk = sock.recv(65536)
        assert chunk, f"the server closed the connection instead of answering; it sent {data!r}"
        data += chunk
    return json.loads(data)


class FakeServer:
    """A server of the test's own: it reads `count` requests, then answers them in reverse order."""

    def __init__(self, count, answer):
        self.count, self.answer = count, answer
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(TIMEOUT)
        self.address = self.listener.getsockname()
        self.seen = []
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        try:
            conn, _ = self.listener.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(TIMEOUT)
            data = b""
            try:
                while data.count(b"\n") < self.count:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    data += chunk
            except OSError:
                return
            self.seen = [json.loads(line) for line in data.splitlines()[:self.count]]
            out = b"".join(json.dumps({"id": r["id"], "value": self.answer(r)}).encode() + b"\n"
                           for r in reversed(self.seen))
            conn.sendall(out)

    def stop(self):
        self.listener.close()
        self.thread.join(timeout=TIMEOUT + 1)


class CuttingProxy:
    """Between a client and the server: forwards both ways, but the first answer the server
    sends is thrown away and the connection is cut, as if the server crashed right after
    doing the request.  Later connections are forwarded faithfully."""

    def __init__(self, target):
        self.target = tuple(target)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.05)
        self.address = self.listener.getsockname()
        self.cut = False
        self.stopping = threading.Event()
        self.socks, self.threads = [], []
        self._spawn(self._accept)

    def _spawn(self, target, *args):
        t = threading.Thread(target=target, args=args, daemon=True)
        self.threads.append(t)
        t.start()

    def _accept(self):
        while not self.stopping.is_set():
            try:
                near, _ = self.listener.accept()
            except (TimeoutError, socket.timeout):
                continue
            except OSError:
                return
            far = socket.create_connection(self.target, timeout=TIMEOUT)
            for s in (near, far):
                s.settimeout(0.05)
                self.socks.append(s)
            self._spawn(self._pump, near, far, False)
            self._spawn(self._pump, far, near, True)

    def _pump(self, src, dst, answers):
        while not self.stopping.is_set():
            try:
                data = src.recv(65536)
            except (TimeoutError, socket.timeout):
                continue
            except OSError:
                return
            if not data:
                break
            if answers and not self.cut:
                self.cut = True
                for s in (src, dst):
                    try:
                        s.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                return
            try:
                dst.sendall(data)
            except OSError:
                return
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    def stop(self):
        self.stopping.set()
        self.listener.close()
        for t in self.threads:
            t.join(timeout=TIMEOUT)
        for s in self.socks:
            s.close()


class Clock:
    """A clock the test moves by hand: the cache's time-to-live is measured on it."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


# ---------------------------------------------------------------------------
# Step 1: the server speaks the protocol
# ---------------------------------------------------------------------------

@pytest.mark.step(1)
def test_server_answers_put_get_and_add_on_the_wire(started, raw):
    server = started()
    s = raw(server.address)
    got = ask(s, {"id": 1, "op": "put", "key": "k", "value": "v"})
    assert got == {"id": 1, "value": "v"}, f"a put answers {{'id': 1, 'value': 'v'}}; your server gave {got!r}"
    got = ask(s, {"id": 2, "op": "get", "key": "k"})
    assert got == {"id": 2, "value": "v"}, f"a get of a stored key answers its value; your server gave {got!r}"
    got = ask(s, {"id": 3, "op": "get", "key": "nothing"})
    assert got == {"id": 3, "value": None}, f"a get of a missing key answers value null; your server gave {got!r}"
    got = ask(s, {"id": 4, "op": "add", "key": "n", "amount": 5})
    assert got == {"id": 4, "value": 5}, f"add to a missing key starts from 0; your server gave {got!r}"
    got = ask(s, {"id": 5, "op": "add", "key": "n", "amount": 2})
    assert got == {"id": 5, "value": 7}, f"add 2 to 5 answers 7; your server gave {got!r}"


@pytest.mark.step(1)
def test_server_keeps_its_data_in_the_store_it_is_given(started, raw):
    store = {"a": "1"}
    server = started(store=store)
    got = ask(raw(server.address), {"id": 1, "op": "get", "key": "a"})
    assert got == {"id": 1, "value": "1"}, f"the server serves what its store holds; yours gave {got!r}"
    ask(raw(server.address), {"id": 2, "op": "put", "key": "b", "value": "2"})
    assert store.get("b") == "2", f"a put writes into the store; the store holds {store!r}"


# ---------------------------------------------------------------------------
# Step 2: many clients, and insulation from a bad one
# ---------------------------------------------------------------------------

@pytest.mark.step(2)
def test_a_silent_client_does_not_block_the_others(started, raw):
    server = started()
    silent = raw(server.address)
    silent.sendall(b'{"id": 1, "op": "ge')              # half a request, and then nothing
    other = raw(server.address)
    other.settimeout(1.0)
    try:
        got = ask(other, {"id": 7, "op": "get", "key": "x"})
    except (TimeoutError, socket.timeout):
        pytest.fail("while one client sat on half a request, another got no answer within 1 s: "
                    "the server serves one client at a time")
    assert got == {"id": 7, "value": None}, f"the second client's get answers value null; it gave {got!r}"


@pytest.mark.step(2)
def test_garbage_gets_an_error_and_the_connection_still_works(started, raw):
    server = started()
    s = raw(server.address)
    got = ask(s, b"\xff\xfe this is not json\n")
    assert got.get("id", "missing") is None and "error" in got, (
        f"a line that is not a request answers {{'id': null, 'error': ...}}; your server gave {got!r}")
    got = ask(s, {"id": 2, "op": "put", "key": "k", "value": "v"})
    assert got == {"id": 2, "value": "v"}, f"after garbage the same connection still works; it gave {got!r}"


@pytest.mark.step(2)
def test_a_crashed_client_does_not_take_the_server_down(started, raw):
    server = started()
    crash = raw(server.address)
    crash.sendall(b'{"id": 1, "op": "put", "key": "k"')
    crash.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    crash.close()                                       # a reset, as when a process dies
    got = ask(raw(server.address), {"id": 2, "op": "get", "key": "k"})
    assert got == {"id": 2, "value": None}, f"after a client crashed the server still answers; it gave {got!r}"


# ---------------------------------------------------------------------------
# Step 3: the client
# ---------------------------------------------------------------------------

@pytest.mark.step(3)
def test_client_puts_gets_and_adds(started, clients):
    server = started()
    c = clients(server.address)
    assert c.put("k", "v") == "v", "put returns the value stored"
    got = c.get("k")
    assert got == "v", f"get after put gives the value put; your client gave {got!r}"
    assert c.get("none") is None, "get of a missing key gives None"
    got = [c.add("n", 3), c.add("n", 4)]
    assert got == [3, 7], f"add 3 then add 4 give 3 then 7; your client gave {got!r}"


@pytest.mark.step(3)
def test_an_error_answer_raises_server_error(started, clients):
    server = started()
    c = clients(server.address)
    c.put("k", "text")
    try:
        got = c.add("k", 1)
    except ServerError:
        pass
    else:
        pytest.fail(f"add to a key holding 'text' is answered with an error, and the client raises "
                    f"ServerError; your add returned {got!r}")
    got = c.get("k")
    assert got == "text", f"after an error answer the client goes on working: get gives 'text'; yours gave {got!r}"


@pytest.mark.step(3)
def test_two_clients_see_each_others_writes(started, clients):
    server = started()
    a, b = clients(server.address), clients(server.address)
    a.put("k", "from a")
    got = b.get("k")
    assert got == "from a", f"without a cache, b reads what a wrote; b gave {got!r}"


# ---------------------------------------------------------------------------
# Step 4: pipelining
# ---------------------------------------------------------------------------

@pytest.mark.step(4)
def test_answers_are_matched_by_id_even_out_of_order(clients):
    fake = FakeServer(3, answer=lambda r: r["key"].upper())
    try:
        c = clients(fake.address)
        got = c.get_many(["a", "b", "c"])
    finally:
        fake.stop()
    ids = [r["id"] for r in fake.seen]
    assert len(set(ids)) == 3, f"requests in flight together need different ids; yours sent {ids!r}"
    assert got == ["A", "B", "C"], (
        f"a server answered a, b, c in reverse order; matched by id, get_many gives "
        f"['A', 'B', 'C']; your client gave {got!r}")


@pytest.mark.step(4)
def test_pipelining_n_requests_takes_about_one_round_trip(started, clients):
    n = 10
    server = started(delay=DELAY)
    c = clients(server.address)
    start = time.monotonic()
    got = c.get_many([f"k{i}" for i in range(n)])
    took = time.monotonic() - start
    assert got == [None] * n, f"get_many of {n} missing keys gives {n} Nones; yours gave {got!r}"
    assert took < n * DELAY / 3, (
        f"{n} pipelined requests, each delayed {DELAY} s by the server, take about one delay "
        f"({DELAY} s), far below {n} x {DELAY} = {n * DELAY:.1f} s one at a time; yours took {took:.2f} s")


# ---------------------------------------------------------------------------
# Step 5: a cache, and its freshness rule
# ---------------------------------------------------------------------------

@pytest.mark.step(5)
def test_a_fresh_cached_answer_is_served_without_asking(started, clients):
    server = started(delay=DELAY)
    clock = Clock()
    c = clients(server.address, cache_ttl=5.0, clock=clock)
    c.put("k", "v")
    asked = server.requests
    clock.now += 4.9
    start = time.monotonic()
    got = c.get("k")
    took = time.monotonic() - start
    assert got == "v", f"the cache gives the value put; yours gave {got!r}"
    assert server.requests == asked, "within its time-to-live a cached value is served without asking the server"
    assert took < DELAY / 2, (
        f"a cache hit takes no round trip: far below the server's {DELAY} s; yours took {took:.3f} s")


@pytest.mark.step(5)
def test_a_cached_value_is_never_older_than_its_time_to_live(started, clients):
    server = started()
    clock = Clock()
    reader = clients(server.address, cache_ttl=5.0, clock=clock)
    writer = clients(server.address)
    writer.put("k", "old")
    assert reader.get("k") == "old"
    writer.put("k", "new")
    clock.now += 5.0
    got = reader.get("k")
    assert got == "new", (
        f"another client wrote 'new'; 5 s later (the time-to-live) the cached 'old' is stale and "
        f"get asks the server again; your client gave {got!r}")


@pytest.mark.step(5)
def test_no_cache_without_a_time_to_live(started, clients):
    server = started()
    reader, writer = clients(server.address), clients(server.address)
    writer.put("k", "old")
    reader.get("k")
    writer.put("k", "new")
    got = reader.get("k")
    assert got == "new", f"cache_ttl=0 means no cache: get reads the server's 'new'; yours gave {got!r}"


# ---------------------------------------------------------------------------
# Step 6: the server restarts
# ---------------------------------------------------------------------------

@pytest.mark.step(6)
def test_client_reconnects_after_the_server_restarts(started, clients):
    store = {}
    first = started(store=store)
    port = first.address[1]
    c = clients(first.address)
    c.put("k", "v")
    first.stop()
    started(store=store, port=port)
    try:
        got = c.get("k")
    except OSError as e:
        pytest.fail(f"after the server restarted on the same port, the client reconnects; yours raised {e!r}")
    assert got == "v", f"after the restart get gives the stored 'v'; yours gave {got!r}"


@pytest.mark.step(6)
def test_a_resent_write_is_not_done_twice(started, clients):
    store = {}
    server = started(store=store)
    proxy = CuttingProxy(server.address)
    try:
        c = clients(proxy.address)
        try:
            got = c.add("n", 1)
        except OSError as e:
            pytest.fail(f"the connection was cut before the answer came: the client reconnects and "
                        f"resends; yours raised {e!r}")
    finally:
        proxy.stop()
    assert proxy.cut, "the test's proxy did not cut the connection (a bug in the test)"
    assert store.get("n") == 1, (
        f"add 1 was done, its answer lost, and resent with the same idempotency key: the server "
        f"does it once, so n is 1; the store holds {store.get('n')!r}")
    assert got == 1, f"the resent add answers what the first one did, 1; yours gave {got!r}"
