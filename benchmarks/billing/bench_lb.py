#!/usr/bin/env python3
"""A small TCP load balancer for the billing benchmark's two-server mode.

In production, two Odoo machines sit behind a load balancer and queue_job's
job runner is pointed at it (``[queue_job] host/port``, or the environment's
``ODOO_QUEUE_JOB_HOST``/``ODOO_QUEUE_JOB_PORT``): its ``/queue_job/runjob``
requests then reach the workers of both machines.  ``bench_billing.py
--servers 2`` starts this process in front of its servers and points the
runner at it.

Why a Python process and not nginx or haproxy: it needs no package, no root
and no configuration file, it runs wherever the benchmark runs, and its
choice of server is exactly what the benchmark needs:

- every connection goes to the server with the fewest connections still
  open (ties in turn, round robin).  A job's request stays open while the
  job runs, so this is "the server with an idle worker": plain round robin
  would queue a batch behind a busy worker of one server while the other's
  is idle;
- the runner gives up waiting for the answer after one second
  (``requests.get(..., timeout=1)``) and closes its connection, while the
  job goes on in the server's worker.  The connection to the server is
  kept open until the server has answered, so that it still counts as
  busy (nginx's ``proxy_ignore_client_abort on`` does the same);
- the connections handed to each server are counted and written, as JSON,
  to ``--stats`` (the benchmark prints them beside the jobs each server
  ran).

Usage: ``bench_lb.py --listen PORT --backend HOST:PORT --backend HOST:PORT
--stats FILE``; it prints ``READY`` once it listens and stops on SIGTERM.
"""

import argparse
import asyncio
import json
import os
import signal
import sys

CHUNK = 65536


class Balancer:
    def __init__(self, backends, stats_path):
        self.backends = backends
        self.stats_path = stats_path
        self.active = [0] * len(backends)
        self.total = [0] * len(backends)
        self.failed = [0] * len(backends)
        self.turn = 0

    def pick(self):
        """The backend with the fewest open connections; ties in turn."""
        count = len(self.backends)
        order = [(self.turn + i) % count for i in range(count)]
        best = min(order, key=lambda i: self.active[i])
        self.turn = (best + 1) % count
        return best

    def write_stats(self):
        stats = {
            "backends": [f"{host}:{port}" for host, port in self.backends],
            "connections": self.total,
            "failed": self.failed,
        }
        tmp = f"{self.stats_path}.tmp"
        with open(tmp, "w") as out:
            json.dump(stats, out)
        os.replace(tmp, self.stats_path)

    async def handle(self, client_reader, client_writer):
        index = self.pick()
        self.active[index] += 1
        self.total[index] += 1
        try:
            try:
                server_reader, server_writer = await asyncio.open_connection(
                    *self.backends[index]
                )
            except OSError:
                self.failed[index] += 1
                client_writer.close()
                return
            await asyncio.gather(
                to_server(client_reader, server_writer),
                to_client(server_reader, client_writer),
            )
            server_writer.close()
        finally:
            self.active[index] -= 1
            client_writer.close()
            self.write_stats()


async def to_server(reader, writer):
    """Copy the client's request; on its end (or its giving up), half-close
    the server's side: the server still answers, then closes."""
    try:
        while data := await reader.read(CHUNK):
            writer.write(data)
            await writer.drain()
    except OSError:
        pass
    try:
        if writer.can_write_eof():
            writer.write_eof()
    except OSError:
        pass


async def to_client(reader, writer):
    """Copy the server's answer to the client while it listens; read it to
    its end anyway, so the connection counts until the job is done."""
    listening = True
    try:
        while data := await reader.read(CHUNK):
            if listening and not writer.is_closing():
                try:
                    writer.write(data)
                    await writer.drain()
                except OSError:
                    listening = False
    except OSError:
        pass


async def serve(args):
    backends = []
    for spec in args.backend:
        host, port = spec.rsplit(":", 1)
        backends.append((host, int(port)))
    balancer = Balancer(backends, args.stats)
    balancer.write_stats()
    server = await asyncio.start_server(balancer.handle, args.host, args.listen)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print("READY", flush=True)
    async with server:
        await stop.wait()
    balancer.write_stats()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--listen", type=int, required=True)
    parser.add_argument("--backend", action="append", required=True)
    parser.add_argument("--stats", required=True)
    asyncio.run(serve(parser.parse_args()))
    sys.exit(0)


if __name__ == "__main__":
    main()
