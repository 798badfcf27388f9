#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# pki.sh: a throw-away test PKI made with certtool at test time (never commit its keys).
#
# Usage:
#   pki.sh DIR ca
#       DIR/ca.pem + DIR/ca.key: an ECDSA P-256 CA valid 2015-01-01 .. 2045-01-01.
#   pki.sh DIR leaf NAME [--expired] [--self-signed] [--rsa BITS] [--days N] DNSNAME...
#       DIR/NAME.pem (the leaf certificate only, no chain) + DIR/NAME.key, a TLS server
#       certificate for every DNSNAME (the first one is also the CN), issued by DIR/ca.pem.
#       --expired      valid 2019-01-01 .. 2020-01-01 (long expired, issued by the CA)
#       --self-signed  signed by its own key instead of the CA
#       --rsa BITS     an RSA key of BITS bits instead of ECDSA P-256
#       --days N       valid from now for N days (default 365)
#   pki.sh DIR chain NAME COUNT DNSNAME...
#       DIR/NAME.pem: a chain of COUNT certificates as a server sends it, the leaf first
#       (for every DNSNAME, key DIR/NAME.key), then COUNT-1 intermediate CAs, each issued
#       by the next and the last by DIR/ca.pem (not included).  For tests of long chains.
set -eu

usage ()
{
  echo "usage: $0 DIR ca | $0 DIR leaf NAME [--expired] [--self-signed] [--rsa BITS] [--days N] DNSNAME..." >&2
  echo "       $0 DIR chain NAME COUNT DNSNAME..." >&2
  exit 2
}

[ $# -ge 2 ] || usage
dir=$1
what=$2
shift 2
mkdir -p "$dir"
tmpl=$(mktemp)
trap 'rm -f "$tmpl"' EXIT

# certtool's human-readable dump before the PEM block upsets some servers: --no-text everywhere.
genkey ()
{
  # genkey OUT KIND BITS
  if [ "$2" = rsa ]; then
    certtool --generate-privkey --no-text --key-type=rsa --bits="$3" --outfile "$1" 2>/dev/null
  else
    certtool --generate-privkey --no-text --key-type=ecdsa --curve=secp256r1 --outfile "$1" 2>/dev/null
  fi
  chmod 600 "$1"
}

case $what in
  ca)
    [ $# -eq 0 ] || usage
    genkey "$dir/ca.key" ecdsa 256
    # Activated long ago so that an expired leaf is still issued inside the CA's lifetime.
    cat >"$tmpl" <<TMPL
cn = "MTA-STS Wizard Test CA"
organization = "MTA-STS Wizard tests"
ca
cert_signing_key
crl_signing_key
activation_date = "2015-01-01 00:00:00 UTC"
expiration_date = "2045-01-01 00:00:00 UTC"
TMPL
    certtool --generate-self-signed --no-text --load-privkey "$dir/ca.key" \
      --template "$tmpl" --outfile "$dir/ca.pem" 2>/dev/null
    ;;
  leaf)
    [ $# -ge 1 ] || usage
    name=$1
    shift
    expired=no selfsigned=no kind=ecdsa bits=256 days=365
    while [ $# -gt 0 ]; do
      case $1 in
        --expired) expired=yes ;;
        --self-signed) selfsigned=yes ;;
        --rsa) [ $# -ge 2 ] || usage; kind=rsa bits=$2; shift ;;
        --days) [ $# -ge 2 ] || usage; days=$2; shift ;;
        --*) usage ;;
        *) break ;;
      esac
      shift
    done
    [ $# -ge 1 ] || usage
    genkey "$dir/$name.key" "$kind" "$bits"
    {
      echo "cn = \"$1\""
      echo 'organization = "MTA-STS Wizard tests"'
      for dns in "$@"; do
        echo "dns_name = \"$dns\""
      done
      echo "tls_www_server"
      echo "signing_key"
      # RSA key exchange (TLS 1.0 era ciphers) needs the encipherment usage too.
      [ "$kind" = rsa ] && echo "encryption_key"
      if [ "$expired" = yes ]; then
        echo 'activation_date = "2019-01-01 00:00:00 UTC"'
        echo 'expiration_date = "2020-01-01 00:00:00 UTC"'
      else
        echo "expiration_days = $days"
      fi
    } >"$tmpl"
    if [ "$selfsigned" = yes ]; then
      certtool --generate-self-signed --no-text --load-privkey "$dir/$name.key" \
        --template "$tmpl" --outfile "$dir/$name.pem" 2>/dev/null
    else
      [ -r "$dir/ca.pem" ] && [ -r "$dir/ca.key" ] || {
        echo "$0: $dir/ca.pem and ca.key are missing: run '$0 $dir ca' first" >&2
        exit 1
      }
      certtool --generate-certificate --no-text --load-privkey "$dir/$name.key" \
        --load-ca-certificate "$dir/ca.pem" --load-ca-privkey "$dir/ca.key" \
        --template "$tmpl" --outfile "$dir/$name.pem" 2>/dev/null
    fi
    ;;
  chain)
    [ $# -ge 3 ] || usage
    name=$1 count=$2
    shift 2
    case $count in ''|*[!0-9]*) usage ;; esac
    [ "$count" -ge 2 ] || usage
    [ -r "$dir/ca.pem" ] && [ -r "$dir/ca.key" ] || {
      echo "$0: $dir/ca.pem and ca.key are missing: run '$0 $dir ca' first" >&2
      exit 1
    }
    # Intermediates from the top down: NAME-i1 is issued by the CA, NAME-i2
    # by NAME-i1, ...; the leaf by the last one.
    issuer_pem=$dir/ca.pem issuer_key=$dir/ca.key
    chain=
    i=1
    while [ "$i" -lt "$count" ]; do
      genkey "$dir/$name-i$i.key" ecdsa 256
      cat >"$tmpl" <<TMPL
cn = "MTA-STS Wizard Test Intermediate $i"
organization = "MTA-STS Wizard tests"
ca
cert_signing_key
expiration_days = 365
TMPL
      certtool --generate-certificate --no-text --load-privkey "$dir/$name-i$i.key" \
        --load-ca-certificate "$issuer_pem" --load-ca-privkey "$issuer_key" \
        --template "$tmpl" --outfile "$dir/$name-i$i.pem" 2>/dev/null
      issuer_pem=$dir/$name-i$i.pem issuer_key=$dir/$name-i$i.key
      # Sent leaf first, each certificate followed by its issuer.
      chain="$dir/$name-i$i.pem $chain"
      i=$((i + 1))
    done
    genkey "$dir/$name.key" ecdsa 256
    {
      echo "cn = \"$1\""
      echo 'organization = "MTA-STS Wizard tests"'
      for dns in "$@"; do
        echo "dns_name = \"$dns\""
      done
      echo "tls_www_server"
      echo "signing_key"
      echo "expiration_days = 365"
    } >"$tmpl"
    certtool --generate-certificate --no-text --load-privkey "$dir/$name.key" \
      --load-ca-certificate "$issuer_pem" --load-ca-privkey "$issuer_key" \
      --template "$tmpl" --outfile "$dir/$name.leaf.pem" 2>/dev/null
    # shellcheck disable=SC2086 # $chain is a list of paths without spaces
    cat "$dir/$name.leaf.pem" $chain >"$dir/$name.pem.new"
    mv "$dir/$name.pem.new" "$dir/$name.pem"
    ;;
  *)
    usage
    ;;
esac
