# The 物业客服 suite's image, used by every service of docker-compose.yml.
#
# Base: the official Odoo 18.0 image (Ubuntu 24.04 "noble", Odoo from Odoo
# S.A.'s nightly .deb), pinned by the digest of its multi-arch index of
# 2026-08-27.  Its Odoo is that image's build of 18.0, not the commit of
# config/odoo.lock (which tools/setup.sh uses outside Docker).
#
# Added: the suite's Python packages (requirements.txt, requirements-test.txt;
# the OCA modules of requirements-oca.txt with --no-deps, since they declare
# odoo==18.0.*, which the .deb does not satisfy for pip) and a browser for
# the browser tests (tours, portal pages).  Ubuntu packages Chromium only as
# a snap, which does not run in a container; Google Chrome's .deb does (amd64
# only: Google publishes no arm64 .deb).  Odoo's test browser starts it with
# --no-sandbox, so it runs as root in the test service.  On another
# architecture the image builds without a browser and the browser tests
# fail with tools/setup.sh's message.
#
# The repository itself is not copied: the services mount it read-only at
# /mnt/extra-addons (its modules change more often than this image).
FROM odoo:18.0@sha256:259fa933bf3ee7f3e375bd74d1e0bc28bd75955159723be477359e0fdb8acf67

USER root
ARG TARGETARCH

# hadolint ignore=DL3008
RUN set -eux; \
    apt-get update; \
    apt-get install -y --no-install-recommends ca-certificates curl fonts-noto-cjk; \
    if [ "${TARGETARCH:-amd64}" = "amd64" ]; then \
        curl -fsSL -o /tmp/google-chrome.deb \
            https://dl.google.com/linux/direct/google-chrome-stable_current_amd64.deb; \
        apt-get install -y --no-install-recommends /tmp/google-chrome.deb; \
        rm -f /tmp/google-chrome.deb; \
        google-chrome --version; \
    else \
        echo "no Google Chrome .deb for ${TARGETARCH}: the image has no browser"; \
    fi; \
    rm -rf /var/lib/apt/lists/*

# --ignore-installed: pip never tries to remove a Debian-packaged dependency
# (no RECORD file); ours go to /usr/local, ahead of Ubuntu's on sys.path.
# The constraint keeps the Pillow Odoo runs with (Ubuntu's): pillow-heif asks
# only Pillow>=9.2, and pip would lay the newest over it.
COPY requirements.txt requirements-test.txt requirements-oca.txt /opt/property/
RUN set -eux; \
    python3 -c "import PIL; print('Pillow==' + PIL.__version__)" >/tmp/pillow.txt; \
    pip3 install --no-cache-dir --break-system-packages --ignore-installed \
        -c /tmp/pillow.txt \
        -r /opt/property/requirements.txt -r /opt/property/requirements-test.txt; \
    rm /tmp/pillow.txt; \
    pip3 install --no-cache-dir --break-system-packages --no-deps \
        -r /opt/property/requirements-oca.txt; \
    cd /tmp && python3 -c "import odoo.release as r; assert r.serie == '18.0', r.serie"; \
    python3 -c "import odoo.addons, os, sys; sys.exit(not any(os.path.isdir(os.path.join(p, 'queue_job')) for p in odoo.addons.__path__))"

USER odoo
