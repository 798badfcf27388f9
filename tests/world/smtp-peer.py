#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# smtp-peer.py: scripted misbehaving SMTP servers for the test world (Python stdlib only).
#
# Usage: smtp-peer.py [--cert PEM --key KEY] [--ready FILE] BEHAVIOUR=IP:PORT[=HOSTNAME]...
# One process serves every BEHAVIOUR on its own address; FILE is written once all are listening.
# Behaviours (what a client sees after connecting):
#   greet421   "421 4.3.2 ..." greeting, then close
#   greet554   "554 5.3.2 ..." greeting, then close
#   silent     nothing at all, ever (the connection stays open until the client gives up)
#   endless    "220 " then an endless line without a newline, as fast as the client reads
#   nocrlf     "220 HOST ESMTP" without CRLF, then close
#   inject     normal dialogue; the STARTTLS reply is "220 go ahead\r\n250 injected\r\n" in one
#              write (a command injection a client must not accept), then a TLS handshake
#   lastline   normal dialogue with STARTTLS on the LAST line of the EHLO reply, then real TLS
#   drop       greeting, then the connection is closed when the client sends EHLO
#   blackhole  the port never completes a TCP handshake (full accept queue): connects time out

import argparse
import asyncio
import os
import signal
import socket
import ssl
import sys


def log (*parts):
  print (*parts, file=sys.stderr, flush=True)


class Peer:
  """One behaviour on one address."""

  def __init__ (self, behaviour, host, port, hostname, tls):
    self.behaviour = behaviour
    self.host = host
    self.port = port
    self.hostname = hostname
    self.tls = tls

  async def handle (self, reader, writer):
    log (f"{self.behaviour} {self.host}:{self.port}: connection")
    try:
      await getattr (self, "do_" + self.behaviour) (reader, writer)
    except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError, OSError) as e:
      log (f"{self.behaviour}: {type (e).__name__}: {e}")
    finally:
      writer.transport.abort ()

  async def send (self, writer, data):
    writer.write (data)
    await writer.drain ()

  async def read_line (self, reader):
    # Bounded: a peer that never sends a newline cannot grow our memory.
    line = await reader.readuntil (b"\n")
    return line[:1000].rstrip (b"\r\n").decode ("ascii", "replace")

  async def drain_input (self, reader):
    while await reader.read (4096):
      pass

  async def do_greet421 (self, reader, writer):
    await self.send (writer, f"421 4.3.2 {self.hostname} Service not available, try again later\r\n".encode ())

  async def do_greet554 (self, reader, writer):
    await self.send (writer, f"554 5.3.2 {self.hostname} No SMTP service here\r\n".encode ())

  async def do_silent (self, reader, writer):
    await self.drain_input (reader)

  async def do_endless (self, reader, writer):
    await self.send (writer, b"220 ")
    chunk = b"x" * 4096
    while not reader.at_eof ():
      await self.send (writer, chunk)
      await asyncio.sleep (0)

  async def do_nocrlf (self, reader, writer):
    await self.send (writer, f"220 {self.hostname} ESMTP".encode ())
    await asyncio.sleep (0.2)

  async def do_drop (self, reader, writer):
    await self.send (writer, f"220 {self.hostname} ESMTP\r\n".encode ())
    await self.read_line (reader)

  async def dialogue (self, reader, writer, ehlo_lines, starttls_reply):
    """Greeting, then commands until STARTTLS; returns True when TLS is up."""
    await self.send (writer, f"220 {self.hostname} ESMTP\r\n".encode ())
    while True:
      command = (await self.read_line (reader)).upper ()
      verb = command.split (" ", 1)[0]
      if verb in ("EHLO", "HELO"):
        lines = [self.hostname] + ehlo_lines
        reply = "".join (f"250-{l}\r\n" for l in lines[:-1]) + f"250 {lines[-1]}\r\n"
        await self.send (writer, reply.encode ())
      elif verb == "STARTTLS":
        await self.send (writer, starttls_reply)
        await writer.start_tls (self.tls)
        return True
      elif verb == "QUIT":
        await self.send (writer, b"221 2.0.0 Bye\r\n")
        return False
      elif verb in ("NOOP", "RSET"):
        await self.send (writer, b"250 2.0.0 Ok\r\n")
      else:
        await self.send (writer, b"502 5.5.2 Error: command not recognized\r\n")

  async def after_tls (self, reader, writer):
    """A minimal post-TLS dialogue: enough for gnutls-cli and probes to finish cleanly."""
    while True:
      command = (await self.read_line (reader)).upper ()
      verb = command.split (" ", 1)[0]
      if verb in ("EHLO", "HELO"):
        await self.send (writer, f"250-{self.hostname}\r\n250 8BITMIME\r\n".encode ())
      elif verb == "QUIT":
        await self.send (writer, b"221 2.0.0 Bye\r\n")
        return
      else:
        await self.send (writer, b"250 2.0.0 Ok\r\n")

  async def do_lastline (self, reader, writer):
    if await self.dialogue (reader, writer, ["PIPELINING", "SIZE 10240000", "8BITMIME", "STARTTLS"],
                            b"220 2.0.0 Ready to start TLS\r\n"):
      await self.after_tls (reader, writer)

  async def do_inject (self, reader, writer):
    if await self.dialogue (reader, writer, ["PIPELINING", "STARTTLS", "8BITMIME"],
                            b"220 go ahead\r\n250 injected\r\n"):
      await self.after_tls (reader, writer)


def blackhole (host, port):
  """A listening socket whose accept queue is full: further SYNs are dropped by the kernel."""
  family = socket.AF_INET6 if ":" in host else socket.AF_INET
  listener = socket.socket (family, socket.SOCK_STREAM)
  listener.setsockopt (socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
  listener.bind ((host, port))
  listener.listen (0)
  fillers = []
  # With backlog 0 the queue holds one connection; a couple more make sure it is full.
  for _ in range (3):
    s = socket.socket (family, socket.SOCK_STREAM)
    s.setblocking (False)
    try:
      s.connect ((host, port))
    except BlockingIOError:
      pass
    fillers.append (s)
  return [listener] + fillers


async def main ():
  parser = argparse.ArgumentParser (description="Scripted misbehaving SMTP servers.")
  parser.add_argument ("--cert", help="PEM certificate for the TLS behaviours")
  parser.add_argument ("--key", help="PEM key for --cert")
  parser.add_argument ("--ready", help="file written once every address listens")
  parser.add_argument ("peers", nargs="+", metavar="BEHAVIOUR=IP:PORT[=HOSTNAME]")
  args = parser.parse_args ()

  tls = None
  if args.cert:
    tls = ssl.SSLContext (ssl.PROTOCOL_TLS_SERVER)
    tls.minimum_version = ssl.TLSVersion.TLSv1_2
    tls.load_cert_chain (args.cert, args.key)

  servers = []
  keep = []
  for spec in args.peers:
    behaviour, rest = spec.split ("=", 1)
    address, _, hostname = rest.partition ("=")
    host, _, port = address.rpartition (":")
    host = host.strip ("[]")
    hostname = hostname or "smtp-peer.test"
    if behaviour == "blackhole":
      keep += blackhole (host, int (port))
      continue
    if not hasattr (Peer, "do_" + behaviour):
      parser.error (f"unknown behaviour {behaviour}")
    if behaviour in ("inject", "lastline") and tls is None:
      parser.error (f"{behaviour} needs --cert and --key")
    peer = Peer (behaviour, host, int (port), hostname, tls)
    servers.append (await asyncio.start_server (peer.handle, host, int (port), reuse_address=True))

  if args.ready:
    with open (args.ready + ".tmp", "w") as f:
      f.write (f"{os.getpid ()}\n")
    os.rename (args.ready + ".tmp", args.ready)
  log ("smtp-peer: ready")

  stop = asyncio.Event ()
  loop = asyncio.get_running_loop ()
  for sig in (signal.SIGTERM, signal.SIGINT):
    loop.add_signal_handler (sig, stop.set)
  await stop.wait ()
  for server in servers:
    server.close ()
  for s in keep:
    s.close ()


if __name__ == "__main__":
  asyncio.run (main ())
