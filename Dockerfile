# One image for every Booker process: `booker serve` (edge), `booker worker`, and the
# one-shot `booker up --once` (migrations + demo data) of docker-compose.yml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    BOOKER_HOST=0.0.0.0 \
    BOOKER_PORT=8080 \
    BOOKER_LOG_FORMAT=json

# psql for `booker psql`; nothing else from the system.
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin booker

WORKDIR /app
# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml ./
COPY booker/__init__.py booker/__init__.py
COPY edge/__init__.py edge/__init__.py
COPY worker/__init__.py worker/__init__.py
RUN pip install -e .
# The package runs from /app (editable install): the SQL under db/ is found next to it.
COPY booker booker
COPY edge edge
COPY worker worker
COPY db db
RUN mkdir -p /app/var && chown booker:booker /app/var

USER booker
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
    CMD ["booker", "healthcheck", "edge"]
CMD ["booker", "serve"]
