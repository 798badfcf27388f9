#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# smtp-peer.py: one scripted SMTP server on a free high port of 127.0.0.1, for the probe tests.
#
# Needs no root and only Python's standard library (Debian's /usr/bin/python3).
# Prints the port it listens on as the first line of stdout, then serves every
# connection (each in a thread) until stdin closes or it is killed.
#
# Usage: smtp-peer.py --mode MODE [--cert PEM --key KEY] [--min-tls 1.0|1.2]
#                     [--max-tls 1.1|1.2|1.3] [--starttls-line first|middle|last]
#                     [--greeting-delay SECONDS] [--hostname NAME] [--listen 127.0.0.1|::1]
#                     [--busy-after N] [--one-byte-writes]
# Modes (what a client sees after connecting):
#   good               a normal server: greeting, EHLO with STARTTLS, TLS, then EHLO/QUIT inside
#   no-starttls        EHLO without STARTTLS
#   starttls-refused   STARTTLS offered, answered "454 4.7.0 TLS not available"
#   busy               "421 4.7.0 ..." greeting, then close
#   refused            "554 5.7.1 ..." greeting, then close after QUIT
#   silent             accepts the connection and never says anything
#   endless            "220 " then an endless line, as fast as the client reads
#   no-crlf            "220 HOST ESMTP" without a line end, then close
#   inject             the STARTTLS reply is "220 go ahead\r\n250 injected\r\n" in one write
#   drop-handshake     after the STARTTLS 220, reads the ClientHello and closes
#   drop-ehlo          greeting, then closes when the client says EHLO
#   ssh                an SSH banner instead of SMTP
#   ehlo-flood         an EHLO reply of 500 "250-" lines
#   tls-silent         after the STARTTLS 220, never answers the ClientHello
#   blackhole          never completes a TCP handshake (full accept queue): connects time out
#   big-greeting       a greeting of 1 MB: "220-" lines of 1000 bytes, then "220 ", as fast as
#                      the client reads
#   drop-mid-handshake after the STARTTLS 220, answers the ClientHello with the first half of
#                      the server's first flight (ServerHello...), then closes
# --greeting-delay sends "220-" at once and the final "220 " line that many seconds later,
# as postscreen does; a client that speaks before the final line gets
# "554 5.5.1 SMTP synchronization error" instead, as from Exim.
# --busy-after N greets every connection after the Nth with 421, as a server
# that rate-limits one client address does.
# --one-byte-writes sends every plain-text reply one byte per write (TCP_NODELAY,
# 1 ms apart), so the client sees each reply in as many pieces as it has bytes.
# EHLO must name a domain with a dot or an address literal ("[192.0.2.1]",
# "[IPv6:::1]"), or the peer answers 501 as strict servers do.

import argparse
import ipaddress
import select
import socket
import ssl
import sys
import threading
import time
import warnings

BUSY = b"421 4.7.0 mx.example.test Error: too many connections from your address\r\n"
REFUSED = b"554 5.7.1 mx.example.test Service unavailable; client host blocked\r\n"


def valid_ehlo_name (name):
  """RFC 5321 §4.1.3: a domain, or an address literal."""
  if name.startswith ("[") and name.endswith ("]"):
    inner = name[1:-1]
    if inner.startswith ("IPv6:"):
      inner = inner[5:]
      version = 6
    else:
      version = 4
    try:
      return ipaddress.ip_address (inner).version == version
    except ValueError:
      return False
  labels = name.split (".")
  return len (labels) >= 2 and all (l and len (l) <= 63 and l.replace ("-", "").isalnum ()
                                    for l in labels)


def log (*parts):
  print ("smtp-peer:", *parts, file=sys.stderr, flush=True)


class Conversation:
  def __init__ (self, args, tls, conn, number):
    self.args = args
    self.tls = tls
    self.sock = conn
    self.buf = b""
    self.number = number

  def send (self, data):
    if self.args.one_byte_writes and not isinstance (self.sock, ssl.SSLSocket):
      for i in range (len (data)):
        self.sock.sendall (data[i:i + 1])
        time.sleep (0.001)
      return
    self.sock.sendall (data)

  def line (self):
    """One line from the client, bounded; None at end of file."""
    while b"\n" not in self.buf:
      if len (self.buf) > 4096:
        return None
      chunk = self.sock.recv (4096)
      if not chunk:
        return None
      self.buf += chunk
    line, _, self.buf = self.buf.partition (b"\n")
    return line.rstrip (b"\r").decode ("ascii", "replace")

  def greet (self):
    name = self.args.hostname
    if self.args.greeting_delay > 0:
      self.send (f"220-{name} ESMTP please wait\r\n".encode ())
      # A client that talks before the final line is out of sync.
      ready, _, _ = select.select ([self.sock], [], [], self.args.greeting_delay)
      if ready:
        self.send (b"554 5.5.1 SMTP synchronization error\r\n")
        return False
    self.send (f"220 {name} ESMTP\r\n".encode ())
    return True

  def ehlo_reply (self, with_starttls):
    name = self.args.hostname
    extensions = ["PIPELINING", "SIZE 10240000", "8BITMIME"]
    if with_starttls:
      where = {"first": 0, "middle": 2, "last": len (extensions)}[self.args.starttls_line]
      extensions.insert (where, "STARTTLS")
    lines = [f"{name} hello"] + extensions
    out = ""
    for i, text in enumerate (lines):
      sep = " " if i == len (lines) - 1 else "-"
      out += f"250{sep}{text}\r\n"
    return out.encode ()

  def commands (self, with_starttls):
    """Plain-text dialogue; returns True when the client asked for STARTTLS."""
    while True:
      line = self.line ()
      if line is None:
        return False
      verb, _, argument = line.partition (" ")
      verb = verb.upper ()
      if verb in ("EHLO", "HELO") and not valid_ehlo_name (argument.strip ()):
        log ("invalid EHLO name:", argument)
        self.send (b"501 5.5.2 <" + argument.encode () + b">: Helo command rejected: Invalid name\r\n")
      elif verb in ("EHLO", "HELO"):
        self.send (self.ehlo_reply (with_starttls))
      elif verb == "STARTTLS" and with_starttls:
        return True
      elif verb == "QUIT":
        self.send (b"221 2.0.0 Bye\r\n")
        return False
      else:
        self.send (b"502 5.5.2 Error: command not recognized\r\n")

  def after_tls (self, tls_sock):
    self.sock = tls_sock
    self.buf = b""
    log ("tls", tls_sock.version (), tls_sock.cipher ()[0])
    while True:
      line = self.line ()
      if line is None:
        return
      verb = line.split (" ", 1)[0].upper ()
      if verb == "EHLO":
        self.send (self.ehlo_reply (False))
      elif verb == "QUIT":
        self.send (b"221 2.0.0 Bye\r\n")
        return
      else:
        self.send (b"250 2.0.0 Ok\r\n")

  def run (self):
    mode = self.args.mode
    if mode == "silent":
      # Hold the connection open, reading and ignoring, until the client goes.
      while self.sock.recv (4096):
        pass
      return
    if mode == "busy" or (self.args.busy_after and self.number > self.args.busy_after):
      self.send (BUSY)
      return
    if mode == "refused":
      self.send (REFUSED)
      self.commands (False)
      return
    if mode == "endless":
      self.send (b"220 ")
      chunk = b"x" * 4096
      while True:
        self.send (chunk)
    if mode == "big-greeting":
      line = b"220-" + b"x" * 994 + b"\r\n"
      for _ in range (1024 * 1024 // len (line)):
        self.send (line)
      self.send (f"220 {self.args.hostname} ESMTP\r\n".encode ())
      self.commands (False)
      return
    if mode == "no-crlf":
      self.send (f"220 {self.args.hostname} ESMTP".encode ())
      time.sleep (0.1)
      return
    if mode == "ssh":
      self.send (b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n")
      self.sock.recv (4096)
      return
    if not self.greet ():
      return
    if mode == "drop-ehlo":
      self.line ()
      return
    if mode == "ehlo-flood":
      self.line ()
      self.send (b"250-flood\r\n" * 500 + b"250 STARTTLS\r\n")
      self.line ()
      return
    if mode == "no-starttls":
      self.commands (False)
      return
    if not self.commands (True):
      return
    if mode == "starttls-refused":
      self.send (b"454 4.7.0 TLS not available due to local problem\r\n")
      self.commands (True)
      return
    if mode == "inject":
      self.send (b"220 go ahead\r\n250 injected\r\n")
    else:
      self.send (b"220 2.0.0 Ready to start TLS\r\n")
    if mode == "drop-handshake":
      self.sock.recv (4096)
      return
    if mode == "drop-mid-handshake":
      # The handshake in memory, so that only part of the answer goes out.
      incoming, outgoing = ssl.MemoryBIO (), ssl.MemoryBIO ()
      tls_object = self.tls.wrap_bio (incoming, outgoing, server_side=True)
      while True:
        try:
          tls_object.do_handshake ()
        except ssl.SSLWantReadError:
          if outgoing.pending:
            break
          data = self.sock.recv (4096)
          if not data:
            return
          incoming.write (data)
      flight = outgoing.read ()
      log ("first flight", len (flight), "bytes; sending", len (flight) // 2)
      self.sock.sendall (flight[:len (flight) // 2])
      time.sleep (0.1)
      return
    if mode == "tls-silent":
      while self.sock.recv (4096):
        pass
      return
    try:
      tls_sock = self.tls.wrap_socket (self.sock, server_side=True)
    except (ssl.SSLError, OSError) as e:
      log ("handshake failed:", e)
      return
    self.after_tls (tls_sock)


def serve (args, tls, conn, number):
  try:
    Conversation (args, tls, conn, number).run ()
  except (OSError, ssl.SSLError) as e:
    log (type (e).__name__, e)
  finally:
    try:
      conn.close ()
    except OSError:
      pass


def make_tls (args):
  if not args.cert:
    return None
  ctx = ssl.SSLContext (ssl.PROTOCOL_TLS_SERVER)
  with warnings.catch_warnings ():
    # TLS 1.0 is deprecated in Python too; that is the point of this peer.
    warnings.simplefilter ("ignore", DeprecationWarning)
    if args.min_tls == "1.0":
      ctx.minimum_version = ssl.TLSVersion.TLSv1
      ctx.set_ciphers ("DEFAULT:@SECLEVEL=0")
    else:
      ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    if args.max_tls == "1.2":
      ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    elif args.max_tls == "1.1":
      ctx.maximum_version = ssl.TLSVersion.TLSv1_1
  ctx.load_cert_chain (args.cert, args.key)
  return ctx


def main ():
  parser = argparse.ArgumentParser (description="One scripted SMTP server for tests.")
  parser.add_argument ("--mode", required=True,
                       choices=["good", "no-starttls", "starttls-refused", "busy", "refused",
                                "silent", "endless", "no-crlf", "inject", "drop-handshake",
                                "tls-silent", "blackhole", "drop-ehlo", "ssh", "ehlo-flood",
                                "big-greeting", "drop-mid-handshake"])
  parser.add_argument ("--cert")
  parser.add_argument ("--key")
  parser.add_argument ("--min-tls", choices=["1.0", "1.2"], default="1.2")
  parser.add_argument ("--max-tls", choices=["1.1", "1.2", "1.3"], default="1.3")
  parser.add_argument ("--starttls-line", choices=["first", "middle", "last"], default="middle")
  parser.add_argument ("--greeting-delay", type=float, default=0.0)
  parser.add_argument ("--hostname", default="mx.example.test")
  parser.add_argument ("--listen", choices=["127.0.0.1", "::1"], default="127.0.0.1")
  parser.add_argument ("--busy-after", type=int, default=0)
  parser.add_argument ("--one-byte-writes", action="store_true")
  args = parser.parse_args ()

  tls = make_tls (args)
  family = socket.AF_INET6 if ":" in args.listen else socket.AF_INET
  listener = socket.socket (family, socket.SOCK_STREAM)
  listener.bind ((args.listen, 0))
  port = listener.getsockname ()[1]
  keep = []
  if args.mode == "blackhole":
    # Backlog 0 holds one connection; a few more make sure the queue is full
    # and the kernel drops further SYNs.
    listener.listen (0)
    for _ in range (3):
      s = socket.socket (family, socket.SOCK_STREAM)
      s.setblocking (False)
      try:
        s.connect ((args.listen, port))
      except BlockingIOError:
        pass
      keep.append (s)
  else:
    listener.listen (64)

  print (port, flush=True)

  def accept_loop ():
    number = 0
    while True:
      conn, _ = listener.accept ()
      if args.one_byte_writes:
        conn.setsockopt (socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
      number += 1
      threading.Thread (target=serve, args=(args, tls, conn, number), daemon=True).start ()

  if args.mode != "blackhole":
    threading.Thread (target=accept_loop, daemon=True).start ()
  # The test owns this process: when it goes (or closes our stdin), so do we.
  sys.stdin.read ()


if __name__ == "__main__":
  main ()
