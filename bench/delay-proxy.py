#!/usr/bin/env python3
"""A loopback TCP delay line in front of a registry: what a remote registry's round trip looks like to a client.

Every chunk of bytes is delivered to the other side DELAY after it arrived, in both directions, so a request/response
pair costs 2 x DELAY more. A delay line, not a queue: chunks in flight overlap, a slow chunk never holds the next one
back beyond its own arrival time + DELAY, and throughput is not limited. New connections pay the delay too (the
upstream connect waits for the first delayed bytes; SYN/ACK of a real network would add one more round trip, which
loopback TCP cannot simulate, so the figures err on the kind side for connection set-up).

Each HTTP request seen going to the registry is appended to LOG as "SECONDS METHOD TARGET", SECONDS being the
system's monotonic clock (CLOCK_MONOTONIC, shared by every process) when the request head arrived (the heads are parsed
from the byte stream: Content-Length and chunked bodies are skipped), so a bench can count requests per run and place
them on its own timeline.

Usage: delay-proxy.py UPSTREAM_PORT DELAY_MS LOG PORTFILE    (listens on localhost, a free port written to PORTFILE)
"""
import asyncio
import os
import socket
import sys
import time

upstream_port, delay, log_path, port_file = int(sys.argv[1]), float(sys.argv[2]) / 1000.0, sys.argv[3], sys.argv[4]
log = open(log_path, "a", buffering=1)
# asyncio holds tasks weakly; a connection whose transport paused reading would be collected mid-request and hang its
# client. Every task of a live connection is kept here until it ends.
alive: set = set()


class RequestCounter:
    """Finds request heads in the client-to-registry byte stream; bodies are skipped by their declared framing."""

    def __init__(self):
        self.buffer = b""
        self.body_left = 0
        self.chunked = False

    def feed(self, data: bytes):
        self.buffer += data
        while True:
            if self.body_left:
                n = min(self.body_left, len(self.buffer))
                self.buffer, self.body_left = self.buffer[n:], self.body_left - n
                if self.body_left:
                    return
            if self.chunked:
                end = self.buffer.find(b"\r\n0\r\n\r\n")
                start = self.buffer.startswith(b"0\r\n\r\n")
                if start:
                    self.buffer, self.chunked = self.buffer[5:], False
                elif end >= 0:
                    self.buffer, self.chunked = self.buffer[end + 7:], False
                else:
                    self.buffer = self.buffer[-6:]
                    return
            head_end = self.buffer.find(b"\r\n\r\n")
            if head_end < 0:
                return
            head, self.buffer = self.buffer[:head_end].decode("latin-1"), self.buffer[head_end + 4:]
            lines = head.split("\r\n")
            parts = lines[0].split(" ")
            log.write(f"{time.monotonic():.3f} {parts[0]} {parts[1] if len(parts) > 1 else ''}\n")
            for line in lines[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    self.body_left = int(value.strip())
                elif name.strip().lower() == "transfer-encoding" and "chunked" in value.lower():
                    self.chunked = True


async def pump(reader, writer, counter=None):
    """Reads as fast as the peer sends; a second task writes each chunk when its delivery time comes."""
    line: asyncio.Queue = asyncio.Queue()

    async def deliver():
        while True:
            due, data = await line.get()
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            if data is None:
                try:
                    writer.write_eof()
                except OSError:
                    pass
                return
            writer.write(data)
            await writer.drain()

    delivering = asyncio.create_task(deliver())
    alive.add(delivering)
    delivering.add_done_callback(alive.discard)
    try:
        while True:
            data = await reader.read(256 * 1024)
            if counter is not None and data:
                counter.feed(data)
            line.put_nowait((time.monotonic() + delay, data or None))
            if not data:
                break
        await delivering
    except (ConnectionError, OSError):
        delivering.cancel()


async def serve(client_reader, client_writer):
    me = asyncio.current_task()
    alive.add(me)
    me.add_done_callback(alive.discard)
    try:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", upstream_port)
    except OSError:
        client_writer.close()
        return
    for w in (client_writer, up_writer):
        w.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        await asyncio.gather(pump(client_reader, up_writer, RequestCounter()), pump(up_reader, client_writer))
    finally:
        for w in (client_writer, up_writer):
            w.close()


async def main():
    server = await asyncio.start_server(serve, host="127.0.0.1", port=0)
    port = server.sockets[0].getsockname()[1]
    try:  # "localhost" may resolve to ::1 first
        await asyncio.start_server(serve, host="::1", port=port)
    except OSError:
        pass
    with open(port_file + ".tmp", "w") as f:
        f.write(str(port))
    os.replace(port_file + ".tmp", port_file)
    async with server:
        await server.serve_forever()


asyncio.run(main())
