# syntax=docker/dockerfile:1
# youthbot: build the wheel (catalogs compiled) in one stage; run it as a non-root user in a
# slim image. The locked dependencies (requirements.lock, pinned with hashes) are a layer of
# their own, before the code: a code change rebuilds only the last, small layer.
# Migrations run at start (AUTO_MIGRATE; replicas queue on a PostgreSQL lock).

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml hatch_build.py README.md babel.cfg ./
COPY youthbot ./youthbot
COPY locales ./locales
COPY tools/install_wheel.sh ./tools/
RUN sh tools/install_wheel.sh build /src /wheels

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PTB_TIMEDELTA=1 \
    AUTO_MIGRATE=true \
    WEBHOOK_PORT=8080 \
    PATH=/opt/venv/bin:$PATH
RUN groupadd --system --gid 10001 youthbot \
    && useradd --system --uid 10001 --gid 10001 --create-home --home-dir /app youthbot
# Dependencies: rebuilt only when requirements.lock (or the install script) changes.
COPY tools/install_wheel.sh /opt/install_wheel.sh
COPY requirements.lock /opt/requirements.lock
RUN sh /opt/install_wheel.sh deps /opt/requirements.lock /opt/venv
# The bot itself, with no dependency resolution (every one is already installed and pinned).
COPY --from=build /wheels /tmp/wheels
RUN sh /opt/install_wheel.sh code /tmp/wheels /opt/venv && rm -rf /tmp/wheels
# By number, so the runtime can tell it is not root without reading /etc/passwd.
USER 10001:10001
WORKDIR /app
EXPOSE 8080
# /healthz answers 200 when the database answers (webhook and polling mode alike).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('WEBHOOK_PORT', '8080'), timeout=4)"]
ENTRYPOINT ["youthbot"]
CMD ["run"]
