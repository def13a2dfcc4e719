#!/bin/sh
# Makes sure Debian's chromium is at /usr/bin/chromium for the dashboard's browser test
# (test/e2e/dashboard.test.ts drives it with playwright-core). Installs it with apt when it is
# missing, which needs root; prints what to do otherwise. Safe to run again: it does nothing
# when chromium is there.
set -eu

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-chromium: $CHROMIUM is missing; install it as root:" \
    "apt-get install -y --no-install-recommends chromium" >&2
  exit 1
fi

echo "ensure-chromium: installing chromium with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
# The package lists may be missing on a fresh image; update them only when the install fails.
if ! apt-get install -y --no-install-recommends chromium >&2; then
  apt-get update >&2
  apt-get install -y --no-install-recommends chromium >&2
fi

if [ ! -x "$CHROMIUM" ]; then
  echo "ensure-chromium: apt-get finished but $CHROMIUM is still missing" >&2
  exit 1
fi
