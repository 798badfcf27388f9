#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-cli-generate.sh: "mtasts generate": values checked, every format, and the
# nginx snippet accepted by nginx and serving the policy as senders need it.
# Usage: test-cli-generate.sh PATH-TO-MTASTS   (prints TAP)
set -u
# $base holds a wildcard pattern: no file name expansion.
set -f
mtasts=$1
tmp=$(mktemp -d)
out=$tmp/out err=$tmp/err
nginx_pid=
cleanup () {
  if [ -n "$nginx_pid" ] && [ -f "$tmp/nginx.pid" ]; then kill "$(cat "$tmp/nginx.pid")" 2>/dev/null; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
n=0 failed=0

run () {
  expected=$1; shift
  "$mtasts" "$@" >"$out" 2>"$err"
  status=$?
  [ "$status" -eq "$expected" ]
}
ok () { n=$((n + 1)); echo "ok $n - $1"; }
not_ok () { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; sed 's/^/# /' "$out" "$err"; }
skip () { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
check () { desc=$1; shift; if "$@"; then ok "$desc"; else not_ok "$desc"; fi; }
json_get () { /usr/bin/python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($1)" "$out"; }
json_is () { [ "$(json_get "$1")" = "$2" ]; }
same () { [ "$1" = "$2" ]; }

base="--domain Example.COM. --mx MAIL.example.com --mx *.backup.example.net --mode testing --max-age 604800 --id 20261128T153000"

check "help generate exits 0" run 0 help generate
check "help generate lists the formats" grep -q 'static   a checklist' "$out"

check "text is the default" run 0 generate $base --rua mailto:tlsrpt@example.com
check "text starts with the title" sh -c "head -n 1 '$out' | grep -qx 'Setting up MTA-STS for example.com'"
check "text has the policy before the record" sh -c "grep -n 'Publish the policy file\|Publish the MTA-STS record\|Publish the TLS reporting record' '$out' | cut -d: -f2- | tr '\n' '|' | grep -q '^2\. Publish the policy file|3\. Publish the MTA-STS record|4\. Publish the TLS reporting record|$'"
check "no advice for a good max_age" test ! -s "$err"

check "zone exits 0" run 0 generate $base --format zone --ttl 300 --rua mailto:tlsrpt@example.com
check "zone has the _mta-sts line" grep -qx '_mta-sts.example.com. 300 IN TXT "v=STSv1; id=20261128T153000"' "$out"
check "zone has the _smtp._tls line" grep -qx '_smtp._tls.example.com. 300 IN TXT "v=TLSRPTv1; rua=mailto:tlsrpt@example.com"' "$out"

check "csv exits 0" run 0 generate $base --format csv --rua 'mailto:a@example.com,b@example.com' --rua https://r.example.com/x
check "csv header" sh -c "head -n 1 '$out' | tr -d '\r' | grep -qx 'type,name,fqdn,value,ttl'"
check "csv quotes a value with a comma" grep -q '^TXT,_smtp._tls,_smtp._tls.example.com,"v=TLSRPTv1; rua=mailto:a@example.com%2Cb@example.com,https://r.example.com/x",3600' "$out"
check "csv rows end in CRLF" same "$(grep -c "$(printf '\r')\$" "$out")" 3

check "json exits 0" run 0 generate $base --format json
check "json domain is normalised" json_is 'j["domain"]' example.com
check "json mx are normalised" json_is '",".join(j["mx"])' 'mail.example.com,*.backup.example.net'
check "json policy text" json_is 'j["policy"] == "version: STSv1\r\nmode: testing\r\nmx: mail.example.com\r\nmx: *.backup.example.net\r\nmax_age: 604800\r\n"' True
check "json policy url" json_is 'j["policy_url"]' https://mta-sts.example.com/.well-known/mta-sts.txt
check "json without rua has one record" json_is 'len(j["records"])' 1

check "policy exits 0" run 0 generate $base --format policy
check "policy is the CRLF file" same "$(od -An -c "$out" | tr -s ' ' | tr -d '\n')" " v e r s i o n : S T S v 1 \r \n m o d e : t e s t i n g \r \n m x : m a i l . e x a m p l e . c o m \r \n m x : * . b a c k u p . e x a m p l e . n e t \r \n m a x _ a g e : 6 0 4 8 0 0 \r \n"

for f in apache caddy static; do
  check "$f exits 0" run 0 generate $base --format $f
  check "$f names the policy host" grep -q 'mta-sts.example.com' "$out"
done

check "generated id is letters and digits" run 0 generate --domain example.com --mx mail.example.com --mode enforce --max-age 1209600 --format json
check "generated id is a UTC time" sh -c "/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[\"id\"])' '$out' | grep -Eqx '[0-9]{8}T[0-9]{6}'"
check "a new id differs from --previous-id" run 0 generate --domain example.com --mx mail.example.com --mode enforce --max-age 1209600 --previous-id 20000101T000000 --format json
check "previous id in the JSON" json_is 'j["previous_id"]' 20000101T000000
check "mode none needs no --mx" run 0 generate --domain example.com --mode none --max-age 86400 --format policy
check "a short max_age for testing is advice on stderr" run 0 generate --domain example.com --mx mail.example.com --mode testing --max-age 3600 --format policy
check "the advice names the range" grep -q '^mtasts: .*warning' "$err"

# Generated records pass our own checker and Debian's MTA-STS resolver.
"$mtasts" generate $base --format json --rua mailto:tlsrpt@example.com >"$out" 2>"$err"
sts=$(json_get 'j["records"][0]["value"]')
tlsrpt=$(json_get 'j["records"][1]["value"]')
check "the STS record passes record check" run 0 record check "$sts"
check "the TLSRPT record passes record check" run 0 record check "$tlsrpt"
if /usr/bin/python3 -c 'import postfix_mta_sts_resolver.utils' 2>/dev/null; then
  check "postfix-mta-sts-resolver reads the record's id" same \
    "$(/usr/bin/python3 -c 'import sys; from postfix_mta_sts_resolver.utils import parse_mta_sts_record as p; print(p(sys.argv[1]).get("id"))' "$sts")" 20261128T153000
else
  skip "postfix-mta-sts-resolver reads the record's id" "python3-postfix-mta-sts-resolver is not installed"
fi

check "a missing --domain exits 2" run 2 generate --mx mail.example.com --mode testing --max-age 604800
check "it says what is missing" grep -q '^mtasts: --domain is missing' "$err"
check "an email address as domain exits 2" run 2 generate --domain user@example.com --mx mail.example.com --mode testing --max-age 604800
check "it says why" grep -q 'email address' "$err"
check "a bad mx pattern exits 2" run 2 generate --domain example.com --mx '*.*.example.com' --mode testing --max-age 604800
check "it names the pattern" grep -q '^mtasts: --mx \*\.\*\.example\.com: ' "$err"
check "no --mx in testing exits 2" run 2 generate --domain example.com --mode testing --max-age 604800
check "a bad mode exits 2" run 2 generate --domain example.com --mx mail.example.com --mode Enforce --max-age 604800
check "a max_age over the RFC maximum exits 2" run 2 generate --domain example.com --mx mail.example.com --mode enforce --max-age 31557601
check "a max_age with letters exits 2" run 2 generate --domain example.com --mx mail.example.com --mode enforce --max-age 1w
check "an http rua exits 2" run 2 generate $base --rua http://r.example.com/
check "it says to use https" grep -q 'https' "$err"
check "a rua without scheme exits 2" run 2 generate $base --rua tlsrpt@example.com
check "it suggests mailto:" grep -q 'mailto:tlsrpt@example.com' "$err"
check "an id with dashes exits 2" run 2 generate $base --id 2026-11-28
check "--id equal to --previous-id exits 2" run 2 generate $base --previous-id 20261128T153000
check "a zero ttl exits 2" run 2 generate $base --ttl 0
check "an unknown format exits 2" run 2 generate $base --format bind
check "an option given twice exits 2" run 2 generate $base --mode enforce
check "an option without value exits 2" run 2 generate $base --ttl
check "--name=value works" run 0 generate $base --ttl=60 --format=zone
check "the TTL is used" grep -q '^_mta-sts.example.com. 60 IN TXT' "$out"

# The nginx snippet, verbatim, in a real nginx 1.22 configuration.
if command -v nginx >/dev/null 2>&1 && command -v certtool >/dev/null 2>&1; then
  (
    cd "$tmp" &&
    certtool --generate-privkey --key-type=ecdsa --outfile ca.key --no-text &&
    printf 'cn = "mtasts test CA"\nca\ncert_signing_key\nexpiration_days = 2\n' >ca.tmpl &&
    certtool --generate-self-signed --load-privkey ca.key --template ca.tmpl --outfile ca.pem --no-text &&
    certtool --generate-privkey --key-type=ecdsa --outfile host.key --no-text &&
    printf 'cn = "mta-sts.example.com"\ndns_name = "mta-sts.example.com"\ntls_www_server\nexpiration_days = 2\n' >host.tmpl &&
    certtool --generate-certificate --load-privkey host.key --load-ca-certificate ca.pem \
             --load-ca-privkey ca.key --template host.tmpl --outfile host.pem --no-text
  ) >/dev/null 2>&1
  check "nginx exits 0" run 0 generate $base --format nginx --certificate "$tmp/host.pem" --certificate-key "$tmp/host.key"
  cp "$out" "$tmp/snippet.conf"
  "$mtasts" generate $base --format policy >"$tmp/policy.txt"
  # nginx.conf INCLUDED-FILE: a whole configuration around the snippet.
  write_conf () {
    mkdir -p "$tmp/temp"
    cat <<CONF
pid $tmp/nginx.pid;
error_log $tmp/error.log;
events { }
http {
    access_log off;
    client_body_temp_path $tmp/temp/body;
    proxy_temp_path $tmp/temp/proxy;
    fastcgi_temp_path $tmp/temp/fastcgi;
    uwsgi_temp_path $tmp/temp/uwsgi;
    scgi_temp_path $tmp/temp/scgi;
    include $1;
}
CONF
  }
  write_conf "$tmp/snippet.conf" >"$tmp/nginx.conf"
  check "nginx -t accepts the snippet as it is" sh -c "nginx -t -q -p '$tmp' -e '$tmp/error.log' -c '$tmp/nginx.conf' 2>'$err'"

  # Served for real on a free port instead of 443 (the one change).
  port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  sed "s/:443 ssl;/:$port ssl;/; s/listen 443 ssl;/listen 127.0.0.1:$port ssl;/; /listen \[::\]/d" "$tmp/snippet.conf" >"$tmp/live.conf"
  write_conf "$tmp/live.conf" >"$tmp/live-nginx.conf"
  if command -v curl >/dev/null 2>&1 && nginx -p "$tmp" -e "$tmp/error.log" -c "$tmp/live-nginx.conf" 2>"$err"; then
    nginx_pid=started
    i=0
    while [ ! -s "$tmp/nginx.pid" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    url="https://mta-sts.example.com:$port/.well-known/mta-sts.txt"
    fetch () { curl -sS --max-time 10 --cacert "$tmp/ca.pem" --resolve "mta-sts.example.com:$port:127.0.0.1" "$@"; }
    fetch -D "$tmp/headers" -o "$tmp/body" "$url" 2>"$err"
    check "nginx answers 200" sh -c "head -n 1 '$tmp/headers' | grep -q '^HTTP/1.1 200 '"
    check "as text/plain" sh -c "tr -d '\r' <'$tmp/headers' | grep -qix 'content-type: text/plain'"
    check "with no Location header" sh -c "! grep -qi '^location:' '$tmp/headers'"
    check "the body is the policy file, byte for byte" cmp -s "$tmp/body" "$tmp/policy.txt"
    check "other paths get 404" same "$(fetch -o /dev/null -w '%{http_code}' "https://mta-sts.example.com:$port/" 2>/dev/null)" 404
  else
    for t in "nginx answers 200" "as text/plain" "with no Location header" "the body is the policy file, byte for byte" "other paths get 404"; do
      skip "$t" "nginx could not start or curl is missing: $(head -n 1 "$err")"
    done
  fi
else
  skip "nginx -t accepts the snippet as it is" "nginx or certtool is not installed"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
