# syntax=docker/dockerfile:1
# youthbot: build the wheel (catalogs compiled) in one stage, run it as a non-root user in a
# slim image. Migrations run at start (AUTO_MIGRATE; replicas queue on a PostgreSQL lock).

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
COPY --from=build /wheels /wheels
COPY tools/install_wheel.sh /tmp/install_wheel.sh
RUN sh /tmp/install_wheel.sh install /wheels /opt/venv \
    && rm -rf /wheels /tmp/install_wheel.sh \
    && useradd --system --uid 10001 --create-home --home-dir /app youthbot
USER youthbot
WORKDIR /app
EXPOSE 8080
# /healthz answers 200 when the database answers (webhook and polling mode alike).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('WEBHOOK_PORT', '8080'), timeout=4)"]
ENTRYPOINT ["youthbot"]
CMD ["run"]
