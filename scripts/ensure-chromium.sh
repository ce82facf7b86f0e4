#!/bin/sh
# Installs Debian's Chromium for the browser tests when it is missing and we can (root + apt).
# The tests skip with a reason when no browser can start, so a failure here is not fatal.
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian chromium for the browser tests..."
    (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium) >/tmp/coder-assist-chromium.log 2>&1 \
        || echo "chromium install failed (see /tmp/coder-assist-chromium.log); browser tests will skip"
else
    echo "chromium not found and cannot be installed here; browser tests will skip"
fi
exit 0
