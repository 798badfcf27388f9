#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# selftest.sh: checks every peer of the test world with the real tools (dig, gnutls-cli, curl,
# mta-sts-query) so that a broken world shows up here, not as a puzzling failure in app tests.
# Runs inside a world: tests/world/run.sh --tap tests/world/selftest.sh   (prints TAP)
set -u

if [ -z "${MTS_WORLD_DIR:-}" ]; then
  echo "Bail out! run me inside the test world: tests/world/run.sh --tap $0"
  exit 1
fi
python=/usr/bin/python3
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=$(mktemp)
bg_dir=$(mktemp -d)
trap 'rm -rf "$out" "$bg_dir"' EXIT
n=0
failed=0

ok () { n=$((n + 1)); echo "ok $n - $1"; }
not_ok ()
{
  n=$((n + 1))
  failed=$((failed + 1))
  echo "not ok $n - $1"
  sed 's/^/# /' "$out"
}
# check DESCRIPTION CMD...: one TAP line; CMD's output goes to $out (shown on failure).
check ()
{
  local desc=$1
  shift
  if "$@" >"$out" 2>&1; then ok "$desc"; else not_ok "$desc"; fi
}
# Slow checks (2 s greetings, timeouts) run in the background while the others go on;
# bg_collect reports them at the end.
bg_n=0
bg_check () # DESCRIPTION CMD...
{
  bg_n=$((bg_n + 1))
  printf '%s\n' "$1" >"$bg_dir/$bg_n.desc"
  shift
  ( "$@" >"$bg_dir/$bg_n.out" 2>&1; echo $? >"$bg_dir/$bg_n.status" ) &
}
bg_collect ()
{
  wait
  local i
  for ((i = 1; i <= bg_n; i++)); do
    cp "$bg_dir/$i.out" "$out"
    if [ "$(cat "$bg_dir/$i.status")" = 0 ]; then
      ok "$(cat "$bg_dir/$i.desc")"
    else
      not_ok "$(cat "$bg_dir/$i.desc")"
    fi
  done
}
# same EXPECTED CMD...: CMD's stdout must be exactly EXPECTED.
same ()
{
  local expected=$1 got
  shift
  got=$("$@" 2>&1)
  [ "$got" = "$expected" ] && return 0
  printf 'expected: %s\n     got: %s\n' "$expected" "$got"
  return 1
}
has () # PATTERN CMD...: CMD's output (stdout+stderr) must match the extended regex PATTERN.
{
  local pattern=$1 got
  shift
  got=$("$@" 2>&1)
  printf '%s\n' "$got"
  printf '%s\n' "$got" | grep -Eq -- "$pattern"
}

d () { dig +time=2 +tries=1 +short "$@"; }
mx () { dig +time=2 +tries=1 +short MX "$1" | sort -n | tr '\n' ' ' | sed 's/ $//'; }
status () { dig +time=2 +tries=1 "$@" | sed -n 's/.*status: \([A-Z]*\).*/\1/p'; }

# ---------------------------------------------------------------------------------------------
# DNS
check "resolv.conf points to the world's DNS" same "nameserver 127.0.0.1" cat /etc/resolv.conf
check "MX good.test" same "10 mx1.good.test. 20 mx2.good.test." mx good.test
check "MX mx-uncovered.test" same "10 mx1.good.test. 20 mx2.good.test." mx mx-uncovered.test
check "MX slow8.test has 8 hosts" same "10 mx1.slow8.test. 20 mx2.slow8.test. 30 mx3.slow8.test. 40 mx4.slow8.test. 50 mx5.slow8.test. 60 mx6.slow8.test. 70 mx7.slow8.test. 80 mx8.slow8.test." mx slow8.test
check "MX port25-blocked.test" same "10 mx1.port25-blocked.test. 20 mx2.port25-blocked.test." mx port25-blocked.test
for domain in mx-expired mx-wrongname mx-selfsigned mx-nostarttls mx-tls10 mx-handshake mx-slow \
              ipv6 ipv6-unreachable mx-refused smtp-421 smtp-554 smtp-silent smtp-endless \
              smtp-nocrlf smtp-inject smtp-lastline smtp-drop; do
  check "MX $domain.test" same "10 mx.$domain.test." mx "$domain.test"
done
for domain in policy-unused sts-two sts-invalid sts-missing tlsrpt-missing tlsrpt-invalid \
              wrongname-tcp wrongname-tlsrpt wrongname-smtp-tlsrpt wrongname-apex txt-split cname cname-loop \
              policy-redirect policy-ctype policy-big policy-404 policy-wrongname policy-expired \
              policy-selfsigned policy-invalid policy-nohost; do
  check "MX $domain.test" same "10 mx1.good.test." mx "$domain.test"
done
check "A mx1.good.test" same "127.0.1.1" d A mx1.good.test
check "A mx.mx-slow.test" same "127.0.1.9" d A mx.mx-slow.test
check "A mx8.slow8.test" same "127.0.1.28" d A mx8.slow8.test
check "AAAA mx.ipv6.test" same "fd6d:7473:7473::10" d AAAA mx.ipv6.test
check "AAAA mx.ipv6-unreachable.test" same "2001:db8:25::11" d AAAA mx.ipv6-unreachable.test
check "no AAAA for mx1.good.test (NOERROR, no data)" same "NOERROR" status AAAA mx1.good.test
check "unknown .test names are NXDOMAIN, not REFUSED" same "NXDOMAIN" status A nowhere.test
check "A mta-sts.good.test" same "127.0.2.1" d A mta-sts.good.test
check "no policy host for policy-nohost.test" same "NXDOMAIN" status A mta-sts.policy-nohost.test
check "TXT _mta-sts.good.test" same '"v=STSv1; id=20261128T000000;"' d TXT _mta-sts.good.test
check "TXT _smtp._tls.good.test" same '"v=TLSRPTv1; rua=mailto:tlsrpt@good.test"' d TXT _smtp._tls.good.test
check "two TXT records at _mta-sts.sts-two.test" same '"v=STSv1; id=20261127T000000;"
"v=STSv1; id=20261128T000000;"' sh -c 'dig +short TXT _mta-sts.sts-two.test | sort'
check "TXT _mta-sts.sts-invalid.test" same '"v=STSv1; id=2026-11-28;"' d TXT _mta-sts.sts-invalid.test
check "no _mta-sts.sts-missing.test" same "NXDOMAIN" status TXT _mta-sts.sts-missing.test
check "no _smtp._tls.tlsrpt-missing.test" same "NXDOMAIN" status TXT _smtp._tls.tlsrpt-missing.test
check "TXT _smtp._tls.tlsrpt-invalid.test" same '"v=TLSRPTv1; rua=tlsrpt@tlsrpt-invalid.test"' d TXT _smtp._tls.tlsrpt-invalid.test
check "TLSRPT at _smtp._tcp.wrongname-tcp.test only" same 'NXDOMAIN "v=TLSRPTv1; rua=mailto:tlsrpt@wrongname-tcp.test"' \
  sh -c 'echo $(dig +time=2 +tries=1 TXT _smtp._tls.wrongname-tcp.test | sed -n "s/.*status: \([A-Z]*\).*/\1/p") $(dig +short TXT _smtp._tcp.wrongname-tcp.test)'
check "TLSRPT at _tlsrpt.wrongname-tlsrpt.test only" same 'NXDOMAIN "v=TLSRPTv1; rua=mailto:tlsrpt@wrongname-tlsrpt.test"' \
  sh -c 'echo $(dig +time=2 +tries=1 TXT _smtp._tls.wrongname-tlsrpt.test | sed -n "s/.*status: \([A-Z]*\).*/\1/p") $(dig +short TXT _tlsrpt.wrongname-tlsrpt.test)'
check "TLSRPT at _smtp-tlsrpt.wrongname-smtp-tlsrpt.test only" same 'NXDOMAIN "v=TLSRPTv1; rua=mailto:tlsrpt@wrongname-smtp-tlsrpt.test"' \
  sh -c 'echo $(dig +time=2 +tries=1 TXT _smtp._tls.wrongname-smtp-tlsrpt.test | sed -n "s/.*status: \([A-Z]*\).*/\1/p") $(dig +short TXT _smtp-tlsrpt.wrongname-smtp-tlsrpt.test)'
check "STS and TLSRPT at the apex of wrongname-apex.test" same '"v=STSv1; id=20261128T000000;"
"v=TLSRPTv1; rua=mailto:tlsrpt@wrongname-apex.test"' sh -c 'dig +short TXT wrongname-apex.test | sort'
check "no _mta-sts.wrongname-apex.test" same "NXDOMAIN" status TXT _mta-sts.wrongname-apex.test
check "TXT _mta-sts.txt-split.test is two strings" same '"v=STSv1; " "id=20261128T000000;"' d TXT _mta-sts.txt-split.test
check "TXT _smtp._tls.txt-split.test: two strings, over 255 octets" \
  "$python" -c '
import subprocess, sys
line = subprocess.run (["dig", "+short", "TXT", "_smtp._tls.txt-split.test"], capture_output=True, text=True).stdout.strip ()
parts = line[1:-1].split ("\" \"")
print (len (parts), [len (p) for p in parts], line)
sys.exit (0 if len (parts) == 2 and len ("".join (parts)) > 255 and "".join (parts).startswith ("v=TLSRPTv1; rua=mailto:") else 1)'
check "_mta-sts.cname.test is a CNAME to the provider's record" same '_mta-sts.provider.test.
"v=STSv1; id=20261128T000000;"' d TXT _mta-sts.cname.test
check "mta-sts.cname.test is a CNAME to the provider's policy host" same 'policy.provider.test.
127.0.2.1' d A mta-sts.cname.test
check "CNAME loop at _mta-sts.cname-loop.test" same '_mta-sts.loop-b.test. _mta-sts.cname-loop.test.' \
  sh -c 'echo $(dig +short CNAME _mta-sts.cname-loop.test) $(dig +short CNAME _mta-sts.loop-b.test)'

# ---------------------------------------------------------------------------------------------
# Postfix MX hosts: what gnutls-cli says about each certificate.
starttls () # HOST ADDRESS [PRIORITY]
{
  timeout 15 gnutls-cli --starttls-proto=smtp --port 25 --verify-hostname "$1" \
    ${3:+--priority "$3"} "$2" </dev/null
}
check "mx1.good.test: trusted" has "Status: The certificate is trusted" starttls mx1.good.test 127.0.1.1
check "mx2.good.test: trusted" has "Status: The certificate is trusted" starttls mx2.good.test 127.0.1.2
check "mx1.good.test: TLS 1.3 with ECDSA P-256" has "TLS1.3-X.509.*ECDSA-SECP256R1" starttls mx1.good.test 127.0.1.1
check "mx.mx-expired.test: expired" has "NOT trusted.*expired" starttls mx.mx-expired.test 127.0.1.3
check "mx.mx-wrongname.test: name mismatch" has "NOT trusted.*name in the certificate does not match" starttls mx.mx-wrongname.test 127.0.1.4
check "mx.mx-selfsigned.test: issuer unknown" has "NOT trusted.*issuer is unknown" starttls mx.mx-selfsigned.test 127.0.1.5
check "mx.mx-tls10.test: trusted with TLS 1.2+" has "Status: The certificate is trusted" starttls mx.mx-tls10.test 127.0.1.7 NORMAL:-VERS-TLS1.1:-VERS-TLS1.0
check "mx.ipv6.test over IPv6: trusted" has "Status: The certificate is trusted" starttls mx.ipv6.test fd6d:7473:7473::10
check "mx.ipv6.test over IPv4: trusted" has "Status: The certificate is trusted" starttls mx.ipv6.test 127.0.1.10
old=NORMAL:-VERS-ALL:+VERS-TLS1.0
check "TLS 1.0 accepted by mx.mx-tls10.test" has "TLS1.0-X.509" starttls mx.mx-tls10.test 127.0.1.7 $old
check "TLS 1.0 accepted by mx.mx-handshake.test" has "TLS1.0-X.509" starttls mx.mx-handshake.test 127.0.1.8 $old
for host in mx1.good.test:127.0.1.1 mx.mx-expired.test:127.0.1.3 mx.ipv6.test:127.0.1.10; do
  check "TLS 1.0 refused by ${host%%:*}" has "protocol version" starttls "${host%%:*}" "${host#*:}" $old
done
check "TLS 1.2+ refused by mx.mx-handshake.test" has "Fatal error|protocol version|handshake failed" \
  starttls mx.mx-handshake.test 127.0.1.8 NORMAL:-VERS-TLS1.1:-VERS-TLS1.0

# SMTP dialogues that gnutls-cli cannot judge: one Python (stdlib) check per peer.
smtp () # CHECK ADDRESS
{
  "$python" - "$@" <<'PY'
import errno, socket, smtplib, sys, time
check, address = sys.argv[1], sys.argv[2]
family = socket.AF_INET6 if ":" in address else socket.AF_INET

def connect (timeout=5):
  s = socket.socket (family, socket.SOCK_STREAM)
  s.settimeout (timeout)
  s.connect ((address, 25))
  return s

def read_until (s, needle, limit=65536):
  data = b""
  while needle not in data and len (data) < limit:
    chunk = s.recv (4096)
    if not chunk:
      break
    data += chunk
  return data

def fail (why):
  print (why)
  sys.exit (1)

if check == "nostarttls":
  c = smtplib.SMTP (address, 25, timeout=5)
  code, text = c.ehlo ("selftest.test")
  print (code, text.decode ())
  if code != 250 or c.has_extn ("starttls"):
    fail ("STARTTLS offered")
elif check in ("421", "554"):
  s = connect ()
  data = read_until (s, b"\n")
  print (repr (data))
  if not data.startswith (check.encode () + b" ") or not data.endswith (b"\r\n") or s.recv (100) != b"":
    fail ("not a " + check + " greeting followed by a close")
elif check == "silent":
  s = connect ()
  s.settimeout (2)
  try:
    fail ("got %r" % s.recv (100))
  except socket.timeout:
    print ("nothing in 2 s")
elif check == "endless":
  s = connect ()
  data = read_until (s, b"\n", limit=200000)
  print (len (data), repr (data[:12]))
  if not data.startswith (b"220 x") or b"\n" in data or len (data) < 200000:
    fail ("not an endless line")
elif check == "nocrlf":
  s = connect ()
  data = read_until (s, b"\n")
  print (repr (data))
  if data != b"220 mx.smtp-nocrlf.test ESMTP":
    fail ("unexpected")
elif check == "inject":
  s = connect ()
  read_until (s, b"\r\n")
  s.sendall (b"EHLO selftest.test\r\n")
  ehlo = b""
  while not (b"\n250 " in ehlo and ehlo.endswith (b"\r\n")):
    chunk = s.recv (4096)
    if not chunk:
      fail ("closed during EHLO")
    ehlo += chunk
  s.sendall (b"STARTTLS\r\n")
  time.sleep (0.3)
  data = s.recv (4096)
  print (repr (data))
  if data != b"220 go ahead\r\n250 injected\r\n":
    fail ("no injection")
elif check == "lastline":
  c = smtplib.SMTP (address, 25, timeout=5)
  code, text = c.ehlo ("selftest.test")
  lines = text.decode ().split ("\n")
  print (code, lines)
  if code != 250 or lines[-1] != "STARTTLS" or any (l == "STARTTLS" for l in lines[:-1]):
    fail ("STARTTLS is not on the last line only")
elif check == "drop":
  s = connect ()
  greeting = read_until (s, b"\r\n")
  s.sendall (b"EHLO selftest.test\r\n")
  data = s.recv (100)
  print (repr (greeting), repr (data))
  if not greeting.startswith (b"220 ") or data != b"":
    fail ("not dropped after EHLO")
elif check == "blackhole":
  start = time.monotonic ()
  try:
    connect (timeout=1.5)
    fail ("connected")
  except socket.timeout:
    print ("connect timed out after %.1f s" % (time.monotonic () - start))
elif check == "refused":
  try:
    connect ()
    fail ("connected")
  except ConnectionRefusedError:
    print ("refused")
elif check == "unreachable":
  try:
    connect ()
    fail ("connected")
  except OSError as e:
    print (e)
    if e.errno not in (errno.ENETUNREACH, errno.EHOSTUNREACH):
      fail ("not unreachable")
elif check == "slow":
  # Every postscreen host at once: each greeting is multi-line and its final line comes >= 2 s
  # later, in parallel (8 hosts in about 2 s, not 16). Postfix's timers and Python's monotonic
  # clock differ by a few milliseconds: 1.98 s is "2 s" here.
  import concurrent.futures
  addresses = address.split (",")
  def greet (a):
    start = time.monotonic ()
    s = socket.create_connection ((a, 25), timeout=10)
    f = s.makefile ("rb")
    first = f.readline ()
    line = first
    while line[3:4] == b"-":
      line = f.readline ()
    elapsed = time.monotonic () - start
    s.sendall (b"QUIT\r\n")
    s.close ()
    return a, first, line, elapsed
  start = time.monotonic ()
  with concurrent.futures.ThreadPoolExecutor (len (addresses)) as pool:
    results = list (pool.map (greet, addresses))
  total = time.monotonic () - start
  bad = False
  for a, first, line, elapsed in results:
    print (a, repr (first), repr (line), "%.2f s" % elapsed)
    bad = bad or not first.startswith (b"220-") or not line.startswith (b"220 ") or elapsed < 1.98
  print ("all in %.2f s" % total)
  if bad or total > 6:
    fail ("not a parallel 2-second multi-line greeting")
else:
  fail ("unknown check " + check)
PY
}
# Postfix's timers count whole seconds: a postscreen process that wakes up for another
# connection meanwhile can shorten a pending delay to between 1 and 2 s. So the timed check has
# each host to itself; the TLS checks use mx8.slow8.test, which is not timed.
bg_check "postscreen: 2 s multi-line greetings on mx.mx-slow.test and mx1-7.slow8.test, in parallel" \
  smtp slow 127.0.1.9,127.0.1.21,127.0.1.22,127.0.1.23,127.0.1.24,127.0.1.25,127.0.1.26,127.0.1.27
bg_check "mx8.slow8.test: STARTTLS behind postscreen, trusted" \
  has "Status: The certificate is trusted" starttls mx8.slow8.test 127.0.1.28
bg_check "TLS 1.0 refused by mx8.slow8.test (behind postscreen)" has "protocol version" starttls mx8.slow8.test 127.0.1.28 $old
bg_check "mx.smtp-silent.test: says nothing" smtp silent 127.0.3.3
bg_check "mx1.port25-blocked.test: connect times out" smtp blackhole 127.0.3.9
bg_check "mx2.port25-blocked.test: connect times out" smtp blackhole 127.0.3.10
check "mx.mx-nostarttls.test: EHLO without STARTTLS" smtp nostarttls 127.0.1.6
check "mx.mx-refused.test: connection refused" smtp refused 127.0.3.99
check "mx.ipv6-unreachable.test: IPv6 unreachable" smtp unreachable 2001:db8:25::11
check "mx.ipv6-unreachable.test: IPv4 trusted" has "Status: The certificate is trusted" starttls mx.ipv6-unreachable.test 127.0.1.11

# Scripted peers.
check "mx.smtp-421.test: 421 greeting, close" smtp 421 127.0.3.1
check "mx.smtp-554.test: 554 greeting, close" smtp 554 127.0.3.2
check "mx.smtp-endless.test: endless line" smtp endless 127.0.3.4
check "mx.smtp-nocrlf.test: reply without CRLF, close" smtp nocrlf 127.0.3.5
check "mx.smtp-inject.test: bytes injected after the STARTTLS 220" smtp inject 127.0.3.6
check "mx.smtp-lastline.test: STARTTLS on the last EHLO line" smtp lastline 127.0.3.7
check "mx.smtp-lastline.test: trusted" has "Status: The certificate is trusted" starttls mx.smtp-lastline.test 127.0.3.7
check "mx.smtp-drop.test: dropped after EHLO" smtp drop 127.0.3.8

# ---------------------------------------------------------------------------------------------
# Policy hosts (curl with the system trust store, which is the test CA here).
fetch () # DOMAIN: "STATUS CONTENT-TYPE SIZE [LOCATION]" for its policy URL
{
  curl -sS --max-time 10 -o /dev/null \
    -w '%{http_code} %{content_type} %{size_download} %{redirect_url}' \
    "https://mta-sts.$1/.well-known/mta-sts.txt" | sed 's/ $//'
}
check "mta-sts.good.test: 200 text/plain" same "200 text/plain 86" fetch good.test
# cmp, not $(...): command substitution would drop the final line end.
check "mta-sts.good.test: the policy, CRLF line ends" \
  cmp <(curl -sS --max-time 10 https://mta-sts.good.test/.well-known/mta-sts.txt) \
  <(printf 'version: STSv1\r\nmode: enforce\r\nmx: mx1.good.test\r\nmx: mx2.good.test\r\nmax_age: 604800\r\n')
check "mta-sts.cname.test (CNAME to the provider): 200" same "200 text/plain 67" fetch cname.test
check "mta-sts.policy-unused.test: lists an MX host that does not exist" has "^mx: old-mx\.policy-unused\.test" \
  curl -sS --max-time 10 https://mta-sts.policy-unused.test/.well-known/mta-sts.txt
check "mta-sts.mx-uncovered.test: lists mx1 only" \
  cmp <(curl -sS --max-time 10 https://mta-sts.mx-uncovered.test/.well-known/mta-sts.txt) \
  <(printf 'version: STSv1\r\nmode: enforce\r\nmx: mx1.good.test\r\nmax_age: 604800\r\n')
check "mta-sts.policy-redirect.test: 301 to mta-sts.good.test" \
  same "301 text/html 169 https://mta-sts.good.test/.well-known/mta-sts.txt" fetch policy-redirect.test
check "mta-sts.policy-ctype.test: 200 text/html" same "200 text/html 67" fetch policy-ctype.test
check "mta-sts.policy-big.test: 200, 102400 bytes" same "200 text/plain 102400" fetch policy-big.test
check "mta-sts.policy-404.test: 404" same "404 text/html 153" fetch policy-404.test
check "mta-sts.policy-invalid.test: 200, an invalid mode" has "^mode: enforcing" \
  curl -sS --max-time 10 https://mta-sts.policy-invalid.test/.well-known/mta-sts.txt
check "mta-sts.policy-nohost.test: not resolvable (curl exit 6)" \
  sh -c 'curl -sS --max-time 10 -o /dev/null https://mta-sts.policy-nohost.test/.well-known/mta-sts.txt; [ $? -eq 6 ]'
https () # HOST ADDRESS
{
  timeout 15 gnutls-cli --port 443 --verify-hostname "$1" "$2" </dev/null
}
check "mta-sts.policy-wrongname.test: name mismatch" has "NOT trusted.*name in the certificate does not match" https mta-sts.policy-wrongname.test 127.0.2.6
check "mta-sts.policy-expired.test: expired" has "NOT trusted.*expired" https mta-sts.policy-expired.test 127.0.2.7
check "mta-sts.policy-selfsigned.test: issuer unknown" has "NOT trusted.*issuer is unknown" https mta-sts.policy-selfsigned.test 127.0.2.8
check "curl refuses the wrong-name policy host (exit 60)" \
  sh -c 'curl -sS --max-time 10 -o /dev/null https://mta-sts.policy-wrongname.test/.well-known/mta-sts.txt; [ $? -eq 60 ]'

# ---------------------------------------------------------------------------------------------
# A real MTA-STS consumer, with the system trust store (no SSL_CERT_FILE).
check "mta-sts-query good.test: VALID" \
  has "STSFetchResult.VALID.*'mx': \['mx1.good.test', 'mx2.good.test'\].*'mode': 'enforce', 'max_age': 604800" \
  timeout 30 env -u SSL_CERT_FILE -u SSL_CERT_DIR mta-sts-query good.test
check "mta-sts-query cname.test (delegated): VALID" has "STSFetchResult.VALID" \
  timeout 30 env -u SSL_CERT_FILE -u SSL_CERT_DIR mta-sts-query cname.test
check "mta-sts-query policy-wrongname.test: FETCH_ERROR" has "STSFetchResult.FETCH_ERROR" \
  timeout 30 env -u SSL_CERT_FILE -u SSL_CERT_DIR mta-sts-query policy-wrongname.test

# ---------------------------------------------------------------------------------------------
# The way an interop test publishes its own domain (README: "Publishing your own domain").
publish ()
{
  local w=$MTS_WORLD_DIR
  sh "$here/pki.sh" "$w/pki" leaf selftest-interop mta-sts.selftest-interop.test || return 1
  printf '%s\n' 'mx-host=selftest-interop.test,mx1.good.test,10' \
    'host-record=mta-sts.selftest-interop.test,127.0.9.1' \
    'txt-record=_mta-sts.selftest-interop.test,"v=STSv1; id=selftest1;"' >"$w/dns/selftest-interop.conf"
  mkdir -p "$w/www-selftest/.well-known"
  printf 'version: STSv1\r\nmode: testing\r\nmx: mx1.good.test\r\nmax_age: 86400\r\n' \
    >"$w/www-selftest/.well-known/mta-sts.txt"
  cat >"$w/nginx/sites/selftest-interop.conf" <<EOF
server {
  listen 127.0.9.1:443 ssl;
  ssl_certificate $w/pki/selftest-interop.pem;
  ssl_certificate_key $w/pki/selftest-interop.key;
  root $w/www-selftest;
}
EOF
  bash "$here/world.sh" reload "$w"
}
check "a test publishes its own domain (world.sh reload)" publish
check "MX selftest-interop.test" same "10 mx1.good.test." mx selftest-interop.test
check "MX good.test still answered after the reload" same "10 mx1.good.test. 20 mx2.good.test." mx good.test
check "mta-sts-query selftest-interop.test: VALID, testing" \
  has "STSFetchResult.VALID.*'selftest1'.*'mode': 'testing', 'max_age': 86400" \
  timeout 30 env -u SSL_CERT_FILE -u SSL_CERT_DIR mta-sts-query selftest-interop.test

bg_collect
echo "1..$n"
[ $failed -eq 0 ]
