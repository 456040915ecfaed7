#!/bin/sh
# install-deps.sh — installs the Debian 12 packages mptcp-census builds, tests and demos with.
# Only missing packages are installed, so a second run is instant.
set -eu
PKGS="build-essential clang pkg-config libpcap-dev libssl-dev zlib1g-dev libcmocka-dev
libsqlite3-dev libcurl4-openssl-dev libmaxminddb-dev libjansson-dev sqlite3 libisal-dev libdeflate-dev libzstd-dev liblzma-dev nettle-dev
libclang-rt-14-dev libfuzzer-14-dev libmnl-dev
iproute2 iputils-ping iptables nftables ethtool tcpdump tshark python3 curl mptcpd mptcpize nginx-light zmap masscan scamper time
zstd xz-utils gzip openssl man-db groff-base
gnuplot-nox fonts-dejavu-core chromium chromium-driver"
missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
if [ -n "$missing" ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "install-deps: missing packages:$missing (run as root to install them)" >&2
        exit 1
    fi
    echo "install-deps: installing$missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # wireshark-common asks whether non-root users may capture; answer no.
    echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
