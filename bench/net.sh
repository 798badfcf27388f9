#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/net.sh: the network benchmarks of `mtasts`, in the private test world.
#
#   bench/net.sh [BUILD-DIR]     (root: it builds a network namespace)
#
# Prints, side by side:
#  - `mtasts check` of a domain with 8 MX hosts, each behind a 2-second
#    greeting, against a domain with 1 such host (target: ratio <= 1.3);
#  - `mtasts probe` against `gnutls-cli --starttls-proto=smtp` on the same
#    MX, whole process, median of 10 (target: ratio <= 1.2);
#  - the policy part of `mtasts check` (--no-probe) against Debian's
#    `mta-sts-query` for the same domain (target: faster).
# Numbers, not a test: nothing here fails on a slow machine.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/_build}" && pwd)
ninja -C "$build" src/cli/mtasts >/dev/null
exec "$top/tests/world/run.sh" /usr/bin/python3 "$top/bench/net-inner.py" "$build/src/cli/mtasts"
