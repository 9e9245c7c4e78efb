# Making It Real toolkit: production image.
#
#   docker build -t mir .
#   docker run -p 8000:8000 -v mir-data:/data \
#       -e MIR_SECRET_KEY=... -e MIR_BASE_URL=https://mir.example.org mir
#
# Stages: assets (npm ci && npm run build), builder (Python venv from requirements.lock),
# runtime (slim Python + WeasyPrint's system libraries, non-root user `mir`).
# The source keeps the repository layout under /app (app/, templates/, markers/,
# migrations/ side by side) because app/config.py finds them relative to the repo root.

# --- (a) front-end assets -------------------------------------------------------------
FROM node:20.20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY scripts/ scripts/
COPY app/static/ app/static/
RUN npm run build

# --- (b) Python dependencies ----------------------------------------------------------
FROM python:3.11.7-slim-bookworm AS builder
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
COPY requirements.lock /tmp/requirements.lock
RUN /opt/venv/bin/pip install -r /tmp/requirements.lock

# --- (c) runtime ----------------------------------------------------------------------
FROM python:3.11.7-slim-bookworm AS runtime

# WeasyPrint needs Pango (with HarfBuzz) and at least one font.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 mir \
    && useradd --system --uid 10001 --gid mir --home-dir /app --shell /usr/sbin/nologin mir

ENV VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1

COPY --from=builder /opt/venv /opt/venv

WORKDIR /app
COPY pyproject.toml README.md ./
COPY app/ app/
COPY templates/ templates/
COPY markers/ markers/
COPY migrations/ migrations/
COPY --from=assets /src/app/static/dist/ app/static/dist/

# Editable install: puts `mir` on PATH and keeps the code in /app, where PROJECT_ROOT expects it.
RUN pip install --no-cache-dir --disable-pip-version-check --no-deps -e . \
    && rm -rf /app/*.egg-info

ENV MIR_ENV=production \
    MIR_DATABASE_URL=sqlite:////data/mir.db \
    MIR_UPLOAD_DIR=/data/uploads \
    MIR_OUTBOX_DIR=/data/outbox \
    MIR_MARKERS_DIR=/app/markers

RUN mkdir -p /data/uploads /data/outbox && chown -R mir:mir /data
VOLUME /data

USER mir
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]

CMD ["sh", "-c", "mir db upgrade && exec mir serve --host 0.0.0.0 --port 8000"]
