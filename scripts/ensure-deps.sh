#!/usr/bin/env bash
# Makes sure the libcurl development package the build links against is installed.
# Installs it with apt when possible; otherwise names the package to install and fails.
set -euo pipefail
if pkg-config --exists libcurl 2>/dev/null || [ -f /usr/include/curl/curl.h ] || [ -f /usr/include/x86_64-linux-gnu/curl/curl.h ]; then
    command -v pkg-config >/dev/null 2>&1 || true
    pkg-config --exists libcurl 2>/dev/null && exit 0
fi
need="libcurl4-openssl-dev pkg-config"
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "installing $need (needed to build capsule-gate)..." >&2
    (apt-get install -y -qq $need >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq $need >/dev/null; }) && exit 0
fi
if command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1; then
    echo "installing $need with sudo (needed to build capsule-gate)..." >&2
    sudo apt-get install -y -qq $need >/dev/null && exit 0
fi
echo "capsule-gate needs libcurl's development files: install the package 'libcurl4-openssl-dev' (Debian/Ubuntu) or 'libcurl-devel' (Fedora), and pkg-config" >&2
exit 1
