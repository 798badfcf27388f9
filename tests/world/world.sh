#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# world.sh: builds and tears down the private test world (a network namespace with DNS, MX and
# policy hosts) described in tests/world/README.md.
#
# Usage:
#   world.sh up DIR        build a world; everything generated goes under DIR
#   world.sh down DIR      stop everything the world runs, remove the namespace (idempotent)
#   world.sh exec DIR CMD  run CMD inside the world's namespace
#   world.sh reload DIR    restart dnsmasq and reload nginx after a test added
#                          DIR/dns/*.conf or DIR/nginx/sites/*.conf
# Needs root (network namespaces). Uses only bash, iproute2, certtool, dnsmasq, postfix, nginx and
# /usr/bin/python3 (the system interpreter, not whatever python3 is first on PATH).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
python=/usr/bin/python3

die ()
{
  echo "world.sh: $*" >&2
  exit 1
}

usage ()
{
  echo "usage: world.sh up|down|reload DIR | world.sh exec DIR CMD..." >&2
  exit 2
}

[ $# -ge 2 ] || usage
action=$1
dir=$2
shift 2
case $dir in
  /*) ;;
  *) dir=$(pwd)/$dir ;;
esac

in_ns ()
{
  ip netns exec "$ns" "$@"
}

# wait_for DESCRIPTION SECONDS CMD...: polls CMD every 0.1 s until it succeeds, bounded.
# With watch_pid=PID set, gives up at once when that process has exited.
watch_pid=
wait_for ()
{
  local what=$1 limit=$2
  shift 2
  local tries=$((limit * 10))
  while ! "$@" >/dev/null 2>&1; do
    if [ -n "$watch_pid" ] && ! kill -0 "$watch_pid" 2>/dev/null; then
      echo "world.sh: $what exited while starting" >&2
      return 1
    fi
    tries=$((tries - 1))
    if [ $tries -le 0 ]; then
      echo "world.sh: $what is not ready after ${limit}s" >&2
      return 1
    fi
    sleep 0.1
  done
}

# Every listening address in one netns exec: a TCP connect to each IP:PORT must succeed.
ports_open ()
{
  in_ns "$python" - "$@" <<'PY'
import socket, sys
for spec in sys.argv[1:]:
    host, _, port = spec.rpartition (":")
    host = host.strip ("[]")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket (family, socket.SOCK_STREAM) as s:
        s.settimeout (1)
        s.connect ((host, int (port)))
PY
}

# ---------------------------------------------------------------------------------------------
# The world's contents. Addresses: 127.0.0.1 DNS, 127.0.1.x Postfix MX hosts, 127.0.2.x nginx
# policy hosts, 127.0.3.x scripted SMTP peers; 127.0.9.x is left free for tests' own servers.
# ---------------------------------------------------------------------------------------------
sts_id=20261128T000000
v6_prefix=fd6d:7473:7473

declare -a dns_lines=()
declare -A declared_hosts=()
declare -a policy_names=()   # names in the certificate of the good policy host 127.0.2.1

dns () { dns_lines+=("$1"); }
host () # NAME ADDRESS [ADDRESS...]
{
  local name=$1
  shift
  [ -z "${declared_hosts[$name]:-}" ] || return 0
  declared_hosts[$name]=1
  local IFS=,
  dns "host-record=$name,$*"
}
txt () # NAME STRING...: one TXT record made of one or more character-strings
{
  local name=$1 line s
  shift
  line="txt-record=$name"
  for s in "$@"; do
    line="$line,\"$s\""
  done
  dns "$line"
}
mx () { dns "mx-host=$1,$2,$3"; } # DOMAIN HOST PREFERENCE
sts_record () { txt "_mta-sts.$1" "v=STSv1; id=$sts_id;"; }
tlsrpt_record () { txt "_smtp._tls.$1" "v=TLSRPTv1; rua=mailto:tlsrpt@$1"; }

# policy_file HOSTNAME TEXT: the body served for https://HOSTNAME/.well-known/mta-sts.txt
policy_file ()
{
  mkdir -p "$dir/www/$1/.well-known"
  # $(policy_text ...) loses the final LF of the last CRLF; put it back.
  case $2 in
    *$'\r') printf '%s\n' "$2" ;;
    *) printf '%s' "$2" ;;
  esac >"$dir/www/$1/.well-known/mta-sts.txt"
}

# policy_text MODE MX...: a valid policy, CRLF line ends as RFC 8461 §3.2 writes them.
policy_text ()
{
  local mode=$1 m
  shift
  printf 'version: STSv1\r\nmode: %s\r\n' "$mode"
  for m in "$@"; do
    printf 'mx: %s\r\n' "$m"
  done
  printf 'max_age: 604800\r\n'
}

# standard DOMAIN MX...: MX records (preference 10, 20, ...), the STS and TLSRPT records, and
# the policy host mta-sts.DOMAIN on the good policy server with a policy listing every MX.
standard ()
{
  local domain=$1 pref=10 m
  shift
  for m in "$@"; do
    mx "$domain" "$m" $pref
    pref=$((pref + 10))
  done
  sts_record "$domain"
  tlsrpt_record "$domain"
  good_policy_host "$domain" "$(policy_text enforce "$@")"
}

# good_policy_host DOMAIN TEXT: mta-sts.DOMAIN served by 127.0.2.1 with a trusted certificate.
good_policy_host ()
{
  host "mta-sts.$1" 127.0.2.1
  policy_names+=("mta-sts.$1")
  policy_file "mta-sts.$1" "$2"
}

define_world ()
{
  # Postfix MX hosts. mx1/mx2.good.test double as the "hosted provider" MX of the domains whose
  # only fault is in their records or policy host.
  host mx1.good.test 127.0.1.1
  host mx2.good.test 127.0.1.2
  host mx.mx-expired.test 127.0.1.3
  host mx.mx-wrongname.test 127.0.1.4
  host mx.mx-selfsigned.test 127.0.1.5
  host mx.mx-nostarttls.test 127.0.1.6
  host mx.mx-tls10.test 127.0.1.7
  host mx.mx-handshake.test 127.0.1.8
  host mx.mx-slow.test 127.0.1.9
  host mx.ipv6.test 127.0.1.10 "$v6_prefix::10"
  # 2001:db8::/32 is documentation space with no route in the namespace: connect() fails at once.
  host mx.ipv6-unreachable.test 127.0.1.11 2001:db8:25::11
  local i
  for i in 1 2 3 4 5 6 7 8; do
    host "mx$i.slow8.test" "127.0.1.2$i"
  done

  standard good.test mx1.good.test mx2.good.test
  standard mx-expired.test mx.mx-expired.test
  standard mx-wrongname.test mx.mx-wrongname.test
  standard mx-selfsigned.test mx.mx-selfsigned.test
  standard mx-nostarttls.test mx.mx-nostarttls.test
  standard mx-tls10.test mx.mx-tls10.test
  standard mx-handshake.test mx.mx-handshake.test
  standard mx-slow.test mx.mx-slow.test
  standard slow8.test mx1.slow8.test mx2.slow8.test mx3.slow8.test mx4.slow8.test \
    mx5.slow8.test mx6.slow8.test mx7.slow8.test mx8.slow8.test
  standard ipv6.test mx.ipv6.test
  standard ipv6-unreachable.test mx.ipv6-unreachable.test

  # Nothing listens on 127.0.3.99: connection refused.
  host mx.mx-refused.test 127.0.3.99
  standard mx-refused.test mx.mx-refused.test

  # Scripted SMTP peers (smtp-peer.py), one behaviour per address.
  local b n=1
  for b in 421 554 silent endless nocrlf inject lastline drop; do
    host "mx.smtp-$b.test" "127.0.3.$n"
    standard "smtp-$b.test" "mx.smtp-$b.test"
    n=$((n + 1))
  done
  # Both MX hosts drop every SYN: connects time out, as when outbound port 25 is blocked.
  host mx1.port25-blocked.test 127.0.3.9
  host mx2.port25-blocked.test 127.0.3.10
  standard port25-blocked.test mx1.port25-blocked.test mx2.port25-blocked.test

  # MX coverage.
  mx mx-uncovered.test mx1.good.test 10
  mx mx-uncovered.test mx2.good.test 20
  sts_record mx-uncovered.test
  tlsrpt_record mx-uncovered.test
  good_policy_host mx-uncovered.test "$(policy_text enforce mx1.good.test)"

  mx policy-unused.test mx1.good.test 10
  sts_record policy-unused.test
  tlsrpt_record policy-unused.test
  good_policy_host policy-unused.test "$(policy_text enforce mx1.good.test old-mx.policy-unused.test)"

  # Records.
  mx sts-two.test mx1.good.test 10
  txt _mta-sts.sts-two.test "v=STSv1; id=20261128T000000;"
  txt _mta-sts.sts-two.test "v=STSv1; id=20261127T000000;"
  tlsrpt_record sts-two.test
  good_policy_host sts-two.test "$(policy_text enforce mx1.good.test)"

  mx sts-invalid.test mx1.good.test 10
  txt _mta-sts.sts-invalid.test "v=STSv1; id=2026-11-28;"
  tlsrpt_record sts-invalid.test
  good_policy_host sts-invalid.test "$(policy_text enforce mx1.good.test)"

  mx sts-missing.test mx1.good.test 10
  tlsrpt_record sts-missing.test
  good_policy_host sts-missing.test "$(policy_text enforce mx1.good.test)"

  mx tlsrpt-missing.test mx1.good.test 10
  sts_record tlsrpt-missing.test
  good_policy_host tlsrpt-missing.test "$(policy_text enforce mx1.good.test)"

  mx tlsrpt-invalid.test mx1.good.test 10
  sts_record tlsrpt-invalid.test
  txt _smtp._tls.tlsrpt-invalid.test "v=TLSRPTv1; rua=tlsrpt@tlsrpt-invalid.test"
  good_policy_host tlsrpt-invalid.test "$(policy_text enforce mx1.good.test)"

  mx wrongname-tcp.test mx1.good.test 10
  sts_record wrongname-tcp.test
  txt _smtp._tcp.wrongname-tcp.test "v=TLSRPTv1; rua=mailto:tlsrpt@wrongname-tcp.test"
  good_policy_host wrongname-tcp.test "$(policy_text enforce mx1.good.test)"

  mx wrongname-tlsrpt.test mx1.good.test 10
  sts_record wrongname-tlsrpt.test
  txt _tlsrpt.wrongname-tlsrpt.test "v=TLSRPTv1; rua=mailto:tlsrpt@wrongname-tlsrpt.test"
  good_policy_host wrongname-tlsrpt.test "$(policy_text enforce mx1.good.test)"

  mx wrongname-smtp-tlsrpt.test mx1.good.test 10
  sts_record wrongname-smtp-tlsrpt.test
  txt _smtp-tlsrpt.wrongname-smtp-tlsrpt.test "v=TLSRPTv1; rua=mailto:tlsrpt@wrongname-smtp-tlsrpt.test"
  good_policy_host wrongname-smtp-tlsrpt.test "$(policy_text enforce mx1.good.test)"

  mx wrongname-apex.test mx1.good.test 10
  txt wrongname-apex.test "v=STSv1; id=$sts_id;"
  txt wrongname-apex.test "v=TLSRPTv1; rua=mailto:tlsrpt@wrongname-apex.test"
  good_policy_host wrongname-apex.test "$(policy_text enforce mx1.good.test)"

  # Long records arrive as several character-strings; a client joins them with nothing between.
  local rua="v=TLSRPTv1; rua=" r
  for r in 1 2 3 4; do
    rua="${rua}mailto:tls-reports-collector-number-$r@reports.txt-split.test,"
  done
  rua="${rua}https://reports.txt-split.test/v1/tlsrpt/submit-a-report-for-this-domain-please"
  mx txt-split.test mx1.good.test 10
  txt _mta-sts.txt-split.test "v=STSv1; " "id=$sts_id;"
  txt _smtp._tls.txt-split.test "${rua:0:200}" "${rua:200}"
  good_policy_host txt-split.test "$(policy_text enforce mx1.good.test)"

  # RFC 8461 §8.2 delegation: _mta-sts and mta-sts are CNAMEs into a provider's zone.
  mx cname.test mx1.good.test 10
  txt _mta-sts.provider.test "v=STSv1; id=$sts_id;"
  dns "cname=_mta-sts.cname.test,_mta-sts.provider.test"
  host policy.provider.test 127.0.2.1
  dns "cname=mta-sts.cname.test,policy.provider.test"
  tlsrpt_record cname.test
  policy_names+=(mta-sts.cname.test)
  policy_file mta-sts.cname.test "$(policy_text enforce mx1.good.test)"

  # A CNAME loop (dnsmasq refuses --cname loops, so these are raw CNAME records: they answer
  # CNAME queries; a TXT query for either name gets NXDOMAIN).
  mx cname-loop.test mx1.good.test 10
  dns "dns-rr=_mta-sts.cname-loop.test,5,$(wire_name _mta-sts.loop-b.test)"
  dns "dns-rr=_mta-sts.loop-b.test,5,$(wire_name _mta-sts.cname-loop.test)"
  tlsrpt_record cname-loop.test
  good_policy_host cname-loop.test "$(policy_text enforce mx1.good.test)"

  # Policy hosts with a fault; MX and records are fine.
  local d
  for d in policy-redirect:2 policy-ctype:3 policy-big:4 policy-404:5 policy-wrongname:6 \
           policy-expired:7 policy-selfsigned:8; do
    mx "${d%%:*}.test" mx1.good.test 10
    sts_record "${d%%:*}.test"
    tlsrpt_record "${d%%:*}.test"
    host "mta-sts.${d%%:*}.test" "127.0.2.${d##*:}"
  done
  policy_file mta-sts.policy-ctype.test "$(policy_text enforce mx1.good.test)"
  policy_file mta-sts.policy-wrongname.test "$(policy_text enforce mx1.good.test)"
  policy_file mta-sts.policy-expired.test "$(policy_text enforce mx1.good.test)"
  policy_file mta-sts.policy-selfsigned.test "$(policy_text enforce mx1.good.test)"
  # 100 KiB: a valid policy followed by comment-like padding lines, exactly 102400 bytes.
  local big
  big=$(policy_text enforce mx1.good.test)
  policy_file mta-sts.policy-big.test "$big"
  "$python" - "$dir/www/mta-sts.policy-big.test/.well-known/mta-sts.txt" <<'PY'
import sys
path = sys.argv[1]
with open (path, "rb") as f:
    data = f.read ()
line = b"# " + b"x" * 97 + b"\r\n"
while len (data) + len (line) <= 102400:
    data += line
data += b"#" * (102400 - len (data))
with open (path, "wb") as f:
    f.write (data)
PY

  mx policy-invalid.test mx1.good.test 10
  sts_record policy-invalid.test
  tlsrpt_record policy-invalid.test
  good_policy_host policy-invalid.test "$(printf 'version: STSv1\r\nmode: enforcing\r\nmx: mx1.good.test\r\n')"

  # No mta-sts.policy-nohost.test at all: the fetch cannot even resolve the host.
  mx policy-nohost.test mx1.good.test 10
  sts_record policy-nohost.test
  tlsrpt_record policy-nohost.test
}

# wire_name NAME: the DNS wire format of NAME in hex, for raw --dns-rr records.
wire_name ()
{
  local out="" label
  local IFS=.
  for label in $1; do
    out="$out$(printf '%02x' ${#label})$(printf '%s' "$label" | od -An -tx1 | tr -d ' \n')"
  done
  echo "${out}00"
}

make_pki ()
{
  local pki="$dir/pki"
  sh "$here/pki.sh" "$pki" ca
  cp "$pki/ca.pem" "$dir/ca.pem"
  # Healthy Postfix MX hosts (also the smtpd behind postscreen).
  local names=(mx1.good.test mx2.good.test mx.mx-tls10.test mx.mx-handshake.test mx.mx-slow.test
               mx.ipv6.test mx.ipv6-unreachable.test)
  local i
  for i in 1 2 3 4 5 6 7 8; do
    names+=("mx$i.slow8.test")
  done
  sh "$here/pki.sh" "$pki" leaf mx "${names[@]}"
  sh "$here/pki.sh" "$pki" leaf mx-expired --expired mx.mx-expired.test
  sh "$here/pki.sh" "$pki" leaf mx-wrongname mx.elsewhere.test
  sh "$here/pki.sh" "$pki" leaf mx-selfsigned --self-signed mx.mx-selfsigned.test
  # RSA for the legacy hosts: the TLS 1.0 cipher suites a 2010 client offers are mostly RSA.
  sh "$here/pki.sh" "$pki" leaf mx-legacy --rsa 2048 mx.mx-tls10.test mx.mx-handshake.test
  sh "$here/pki.sh" "$pki" leaf peer mx.smtp-inject.test mx.smtp-lastline.test
  sh "$here/pki.sh" "$pki" leaf policy "${policy_names[@]}" mta-sts.policy-redirect.test \
    mta-sts.policy-ctype.test mta-sts.policy-big.test mta-sts.policy-404.test
  sh "$here/pki.sh" "$pki" leaf policy-wrongname mta-sts.elsewhere.test
  sh "$here/pki.sh" "$pki" leaf policy-expired --expired mta-sts.policy-expired.test
  sh "$here/pki.sh" "$pki" leaf policy-selfsigned --self-signed mta-sts.policy-selfsigned.test
}

# ---------------------------------------------------------------------------------------------
start_dns ()
{
  mkdir -p "$dir/dns"
  printf '%s\n' "# The world's DNS data (dnsmasq options, one per line); see tests/world/README.md." \
    "${dns_lines[@]}" >"$dir/dns/world.conf"
  launch_dnsmasq
}

launch_dnsmasq ()
{
  # --keep-in-foreground, not --no-daemon: with -d it does not fork for TCP queries and a TCP
  # fallback stalls UDP answers. --local makes unknown .test names NXDOMAIN instead of REFUSED;
  # reverse zones are local too so that Postfix's client lookups get a quick NXDOMAIN.
  # Not in_ns: a function run in the background is a subshell, and $! must be dnsmasq itself.
  ip netns exec "$ns" dnsmasq --keep-in-foreground --conf-file=/dev/null --conf-dir="$dir/dns,*.conf" \
    --port=53 --listen-address=127.0.0.1 --bind-interfaces --no-resolv --no-hosts \
    --local=/test/ --local=/in-addr.arpa/ --local=/ip6.arpa/ \
    --user=nobody --group=nogroup --pid-file= --log-queries --log-facility=- \
    </dev/null >>"$dir/logs/dnsmasq.log" 2>&1 &
  echo $! >"$dir/run/dnsmasq.pid"
  watch_pid=$!
  wait_for "dnsmasq" 10 in_ns dig +time=1 +tries=1 +short @127.0.0.1 MX good.test
  watch_pid=
}

# ---------------------------------------------------------------------------------------------
start_postfix ()
{
  local etc=/etc/netns/$ns/postfix pki=$dir/pki q=$dir/postfix
  # Debian's support files (postfix-files, postfix-script, ...) but the world's own main.cf
  # and master.cf: `ip netns exec` mounts this directory over /etc/postfix.
  mkdir -p "$etc" "$q/queue" "$q/data"
  find /etc/postfix -maxdepth 1 -type f ! -name main.cf ! -name master.cf -exec cp -p {} "$etc/" \;
  cp -a /etc/postfix/postfix-files.d /etc/postfix/dynamicmaps.cf.d "$etc/" 2>/dev/null || true
  chown postfix "$q/data"
  cat >"$etc/main.cf" <<EOF
# The test world's Postfix: one instance playing many MX hosts (see master.cf).
compatibility_level = 3.6
queue_directory = $q/queue
data_directory = $q/data
maillog_file = $dir/logs/postfix.log
maillog_file_prefixes = $dir/logs
inet_protocols = all
myhostname = mx.world.test
mydestination =
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
biff = no
smtpd_banner = \$myhostname ESMTP
smtpd_relay_restrictions = reject
smtpd_tls_security_level = may
smtpd_tls_cert_file = $pki/mx.pem
smtpd_tls_key_file = $pki/mx.key
smtpd_tls_protocols = >=TLSv1.2
smtpd_tls_mandatory_protocols = >=TLSv1.2
# postscreen: empty access list, or loopback clients skip the greeting delay.
postscreen_access_list =
postscreen_greet_action = ignore
postscreen_greet_wait = 2s
postscreen_greet_ttl = 1s
postscreen_cache_retention_time = 1s
EOF
  local legacy="-o smtpd_tls_cert_file=$pki/mx-legacy.pem -o smtpd_tls_key_file=$pki/mx-legacy.key"
  legacy="$legacy -o tls_medium_cipherlist=DEFAULT:@SECLEVEL=0"
  {
    echo "# The test world's MX hosts, one listener per address; see tests/world/README.md."
    svc 127.0.1.1:25 smtpd -o myhostname=mx1.good.test
    svc 127.0.1.2:25 smtpd -o myhostname=mx2.good.test
    svc 127.0.1.3:25 smtpd -o myhostname=mx.mx-expired.test \
      -o smtpd_tls_cert_file="$pki/mx-expired.pem" -o smtpd_tls_key_file="$pki/mx-expired.key"
    svc 127.0.1.4:25 smtpd -o myhostname=mx.mx-wrongname.test \
      -o smtpd_tls_cert_file="$pki/mx-wrongname.pem" -o smtpd_tls_key_file="$pki/mx-wrongname.key"
    svc 127.0.1.5:25 smtpd -o myhostname=mx.mx-selfsigned.test \
      -o smtpd_tls_cert_file="$pki/mx-selfsigned.pem" -o smtpd_tls_key_file="$pki/mx-selfsigned.key"
    svc 127.0.1.6:25 smtpd -o myhostname=mx.mx-nostarttls.test -o smtpd_tls_security_level=none
    svc 127.0.1.7:25 smtpd -o myhostname=mx.mx-tls10.test $legacy \
      -o smtpd_tls_protocols=\>=TLSv1 -o smtpd_tls_mandatory_protocols=\>=TLSv1
    svc 127.0.1.8:25 smtpd -o myhostname=mx.mx-handshake.test $legacy \
      -o smtpd_tls_protocols=\>=TLSv1,\<=TLSv1.1 -o smtpd_tls_mandatory_protocols=\>=TLSv1,\<=TLSv1.1
    svc 127.0.1.10:25 smtpd -o myhostname=mx.ipv6.test
    svc "[$v6_prefix::10]:25" smtpd -o myhostname=mx.ipv6.test
    svc 127.0.1.11:25 smtpd -o myhostname=mx.ipv6-unreachable.test
    # Behind postscreen: "220-" at once, the final "220 " after postscreen_greet_wait.
    postscreen 127.0.1.9:25 mx.mx-slow.test
    local i
    for i in 1 2 3 4 5 6 7 8; do
      postscreen "127.0.1.2$i:25" "mx$i.slow8.test"
    done
    cat <<'EOF'
smtpd      pass  -       -       n       -       -       smtpd
dnsblog    unix  -       -       n       -       0       dnsblog
tlsproxy   unix  -       -       n       -       0       tlsproxy
cleanup    unix  n       -       n       -       0       cleanup
qmgr       unix  n       -       n       300     1       qmgr
tlsmgr     unix  -       -       n       1000?   1       tlsmgr
rewrite    unix  -       -       n       -       -       trivial-rewrite
bounce     unix  -       -       n       -       0       bounce
defer      unix  -       -       n       -       0       bounce
trace      unix  -       -       n       -       0       bounce
verify     unix  -       -       n       -       1       verify
flush      unix  n       -       n       1000?   0       flush
proxymap   unix  -       -       n       -       -       proxymap
smtp       unix  -       -       n       -       -       smtp
showq      unix  n       -       n       -       -       showq
error      unix  -       -       n       -       -       error
retry      unix  -       -       n       -       -       error
discard    unix  -       -       n       -       -       discard
anvil      unix  -       -       n       -       1       anvil
scache     unix  -       -       n       -       1       scache
postlog    unix-dgram n  -       n       -       1       postlogd
EOF
  } >"$etc/master.cf"
  # A copy to read after the world is gone (/etc/netns/NAME goes with it).
  cp "$etc/main.cf" "$etc/master.cf" "$q/"
  in_ns postfix start >>"$dir/logs/postfix-start.log" 2>&1 \
    || die "postfix did not start: see $dir/logs/postfix-start.log and $dir/logs/postfix.log"
  local ports=(127.0.1.1:25 127.0.1.2:25 127.0.1.3:25 127.0.1.4:25 127.0.1.5:25 127.0.1.6:25
               127.0.1.7:25 127.0.1.8:25 127.0.1.9:25 127.0.1.10:25 "[$v6_prefix::10]:25"
               127.0.1.11:25)
  for i in 1 2 3 4 5 6 7 8; do
    ports+=("127.0.1.2$i:25")
  done
  wait_for "postfix" 20 ports_open "${ports[@]}"
}

svc () # ADDRESS:PORT SERVICE ARGS...: an inet listener line of master.cf
{
  local address=$1 service=$2
  shift 2
  echo "$address inet n - n - - $service $*"
}

postscreen () # ADDRESS:PORT HOSTNAME
{
  # No cache at all: a cached "passed" result would let the next connection skip the delay
  # (and processes cannot share one btree cache). Its own smtpd gives the final 220 its name.
  echo "$1 inet n - n - 1 postscreen -o myhostname=$2 -o postscreen_cache_map= -o smtpd_service_name=smtpd-$2"
  echo "smtpd-$2 pass - - n - - smtpd -o myhostname=$2"
}

# ---------------------------------------------------------------------------------------------
start_nginx ()
{
  local n=$dir/nginx pki=$dir/pki
  mkdir -p "$n/sites" "$n/tmp"
  cat >"$n/nginx.conf" <<EOF
# The test world's policy hosts; tests may add server blocks in $n/sites/*.conf.
worker_processes 1;
daemon off;
pid $n/nginx.pid;
error_log $dir/logs/nginx-error.log;
events { worker_connections 256; }
http {
  access_log $dir/logs/nginx-access.log;
  client_body_temp_path $n/tmp/body;
  proxy_temp_path $n/tmp/proxy;
  fastcgi_temp_path $n/tmp/fastcgi;
  uwsgi_temp_path $n/tmp/uwsgi;
  scgi_temp_path $n/tmp/scgi;
  types { text/plain txt; }
  default_type application/octet-stream;
  ssl_protocols TLSv1.2 TLSv1.3;

  # Every good policy host: the file under www/HOST/.
  server {
    listen 127.0.2.1:443 ssl;
    ssl_certificate $pki/policy.pem;
    ssl_certificate_key $pki/policy.key;
    root $dir/www/\$host;
  }
  server {
    listen 127.0.2.2:443 ssl;
    ssl_certificate $pki/policy.pem;
    ssl_certificate_key $pki/policy.key;
    location / { return 301 https://mta-sts.good.test/.well-known/mta-sts.txt; }
  }
  server {
    listen 127.0.2.3:443 ssl;
    ssl_certificate $pki/policy.pem;
    ssl_certificate_key $pki/policy.key;
    root $dir/www/\$host;
    location / { types { } default_type text/html; }
  }
  server {
    listen 127.0.2.4:443 ssl;
    ssl_certificate $pki/policy.pem;
    ssl_certificate_key $pki/policy.key;
    root $dir/www/\$host;
  }
  server {
    listen 127.0.2.5:443 ssl;
    ssl_certificate $pki/policy.pem;
    ssl_certificate_key $pki/policy.key;
    location / { return 404; }
  }
  server {
    listen 127.0.2.6:443 ssl;
    ssl_certificate $pki/policy-wrongname.pem;
    ssl_certificate_key $pki/policy-wrongname.key;
    root $dir/www/\$host;
  }
  server {
    listen 127.0.2.7:443 ssl;
    ssl_certificate $pki/policy-expired.pem;
    ssl_certificate_key $pki/policy-expired.key;
    root $dir/www/\$host;
  }
  server {
    listen 127.0.2.8:443 ssl;
    ssl_certificate $pki/policy-selfsigned.pem;
    ssl_certificate_key $pki/policy-selfsigned.key;
    root $dir/www/\$host;
  }
  include $n/sites/*.conf;
}
EOF
  ip netns exec "$ns" nginx -p "$n" -c "$n/nginx.conf" -e "$dir/logs/nginx-error.log" \
    </dev/null >>"$dir/logs/nginx.log" 2>&1 &
  echo $! >"$dir/run/nginx.pid"
  watch_pid=$!
  wait_for "nginx" 10 ports_open 127.0.2.1:443 127.0.2.2:443 127.0.2.3:443 127.0.2.4:443 \
    127.0.2.5:443 127.0.2.6:443 127.0.2.7:443 127.0.2.8:443
  watch_pid=
}

# ---------------------------------------------------------------------------------------------
start_peers ()
{
  rm -f "$dir/run/smtp-peer.ready"
  ip netns exec "$ns" "$python" "$here/smtp-peer.py" --cert "$dir/pki/peer.pem" --key "$dir/pki/peer.key" \
    --ready "$dir/run/smtp-peer.ready" \
    greet421=127.0.3.1:25=mx.smtp-421.test greet554=127.0.3.2:25=mx.smtp-554.test \
    silent=127.0.3.3:25=mx.smtp-silent.test endless=127.0.3.4:25=mx.smtp-endless.test \
    nocrlf=127.0.3.5:25=mx.smtp-nocrlf.test inject=127.0.3.6:25=mx.smtp-inject.test \
    lastline=127.0.3.7:25=mx.smtp-lastline.test drop=127.0.3.8:25=mx.smtp-drop.test \
    blackhole=127.0.3.9:25 blackhole=127.0.3.10:25 \
    </dev/null >>"$dir/logs/smtp-peer.log" 2>&1 &
  echo $! >"$dir/run/smtp-peer.pid"
  watch_pid=$!
  wait_for "smtp-peer.py" 10 test -e "$dir/run/smtp-peer.ready"
  watch_pid=
}

# ---------------------------------------------------------------------------------------------
# kill_pids SIGNAL PID...: only processes still inside our namespace (a recycled pid is not ours).
ours ()
{
  [ "$(ip netns identify "$1" 2>/dev/null)" = "$ns" ]
}

world_down ()
{
  [ -e "$dir/netns" ] || return 0
  ns=$(cat "$dir/netns")
  [ -n "$ns" ] || return 0
  if [ -e "/run/netns/$ns" ]; then
    if [ -e "/etc/netns/$ns/postfix/main.cf" ]; then
      timeout 15 ip netns exec "$ns" postfix stop >/dev/null 2>&1 || true
    fi
    local f pid pids round
    pids=""
    for f in "$dir"/run/*.pid; do
      [ -e "$f" ] || continue
      pid=$(cat "$f")
      ours "$pid" && pids="$pids $pid"
    done
    # Then whatever else runs in the namespace (Postfix's children, a test's leftovers).
    for round in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30; do
      pids="$pids $(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ')"
      pids=$(echo $pids)
      [ -n "$pids" ] || break
      if [ $round -lt 30 ]; then
        kill -TERM $pids 2>/dev/null || true
      else
        kill -KILL $pids 2>/dev/null || true
      fi
      sleep 0.1
      pids=""
    done
    pids=$(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ')
    [ -z "$pids" ] || kill -KILL $pids 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
  fi
  rm -rf "/etc/netns/$ns"
  rm -f "$dir/netns"
}

add_uplink ()
{
  local kind
  for kind in veth dummy tun; do
    case $kind in
      veth) in_ns ip link add world0 type veth peer name world1 2>/dev/null || continue
            in_ns ip link set world1 up ;;
      dummy) in_ns ip link add world0 type dummy 2>/dev/null || continue ;;
      tun) in_ns ip tuntap add dev world0 mode tun 2>/dev/null || continue ;;
    esac
    in_ns ip link set world0 up
    in_ns ip addr add 192.0.2.1/24 dev world0
    in_ns ip -6 addr add "$v6_prefix::1/64" dev world0 nodad
    return 0
  done
  return 1
}

world_up ()
{
  [ "$(id -u)" = 0 ] || die "the test world needs root (network namespaces)"
  # `ip netns exec` only mounts /etc/netns/NAME/X over an /etc/X that exists.
  local need
  for need in /etc/ssl /etc/postfix /etc/resolv.conf; do
    [ -e "$need" ] || die "$need is missing: install the packages in build-aux/packages.txt"
  done
  for need in certtool dnsmasq postfix nginx dig "$python"; do
    command -v "$need" >/dev/null || die "$need is missing: install the packages in build-aux/packages.txt"
  done
  mkdir -p "$dir"
  [ ! -e "$dir/netns" ] || die "$dir already holds a world ($(cat "$dir/netns")): run 'world.sh down $dir' first"
  # Postfix, nginx workers and dnsmasq drop privileges and must reach their files under DIR.
  chmod 755 "$dir"
  mkdir -p "$dir/logs" "$dir/run"
  ns=mtsw-$$
  # A world killed with SIGKILL leaves its namespace behind; never reuse such a name.
  while [ -e "/run/netns/$ns" ] || [ -e "/etc/netns/$ns" ]; do
    ns=mtsw-$$-$RANDOM
  done
  echo "$ns" >"$dir/netns"
  trap 'status=$?; if [ $status -ne 0 ]; then echo "world.sh: up failed, tearing down (logs in $dir/logs)" >&2; world_down; fi' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM

  ip netns add "$ns"
  in_ns ip link set lo up
  # Some hosts start new namespaces with IPv6 switched off; the world needs it (mx.ipv6.test).
  in_ns sh -c 'for f in /proc/sys/net/ipv6/conf/all/disable_ipv6 /proc/sys/net/ipv6/conf/default/disable_ipv6 /proc/sys/net/ipv6/conf/lo/disable_ipv6; do [ ! -w "$f" ] || echo 0 >"$f"; done'
  [ -e /proc/sys/net/ipv6 ] || die "the kernel has no IPv6: the world needs it"
  in_ns ip -6 addr add "$v6_prefix::10/128" dev lo
  # A non-loopback interface with IPv4 and IPv6 addresses: getaddrinfo's AI_ADDRCONFIG (used by
  # GLib, aiohttp, curl...) ignores loopback and would otherwise answer "no address" for every name.
  add_uplink || die "could not create a network interface in the namespace (veth, dummy or tun)"
  mkdir -p "/etc/netns/$ns/ssl/certs"
  echo "nameserver 127.0.0.1" >"/etc/netns/$ns/resolv.conf"
  # ssl/ replaces all of /etc/ssl inside: keep OpenSSL's configuration, trust only the test CA.
  [ ! -e /etc/ssl/openssl.cnf ] || cp /etc/ssl/openssl.cnf "/etc/netns/$ns/ssl/"

  define_world
  make_pki
  cp "$dir/pki/ca.pem" "/etc/netns/$ns/ssl/certs/ca-certificates.crt"
  start_dns
  start_postfix
  start_nginx
  start_peers
  trap - EXIT INT TERM
}

# Everything runs from main, called on the last line: bash reads a script as it goes, and a
# world.sh edited while an older copy runs must not hand that copy half a command.
main ()
{
  case $action in
    up)
      world_up
      ;;
    down)
      world_down
      ;;
    exec)
      [ $# -ge 1 ] || usage
      ns=$(cat "$dir/netns" 2>/dev/null) || die "no world in $dir"
      exec ip netns exec "$ns" "$@"
      ;;
    reload)
      ns=$(cat "$dir/netns" 2>/dev/null) || die "no world in $dir"
      if [ -e "$dir/run/dnsmasq.pid" ] && ours "$(cat "$dir/run/dnsmasq.pid")"; then
        pid=$(cat "$dir/run/dnsmasq.pid")
        kill "$pid"
        wait_for "dnsmasq to stop" 10 sh -c "! kill -0 $pid"
      fi
      launch_dnsmasq
      in_ns nginx -p "$dir/nginx" -c "$dir/nginx/nginx.conf" -e "$dir/logs/nginx-error.log" -s reload
      # The signal is asynchronous: wait until the master listens on the tests' addresses.
      local listens
      listens=$(sed -n 's/^[[:space:]]*listen[[:space:]]\{1,\}\([^[:space:];]*:[0-9]\{1,\}\).*/\1/p' \
                  "$dir"/nginx/sites/*.conf 2>/dev/null | sort -u) || true   # no sites: only DNS changed
      if [ -n "$listens" ]; then
        # shellcheck disable=SC2086 # one IP:PORT per word
        wait_for "nginx after reload" 10 ports_open $listens
      fi
      ;;
    *)
      usage
      ;;
  esac
}

main "$@"
exit
