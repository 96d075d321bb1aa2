# obligate's HTTP API and web page in a slim image, run as a non-root user.
#
#   docker build -t obligate .
#   docker run --rm -p 8000:8000 obligate            # then http://127.0.0.1:8000/
#
# The rule library ships inside the package, so the image answers with no volume mounted. To
# serve a library of your own instead (or on top: --rules @shipped --rules /rules):
#   docker run --rm -p 8000:8000 -v "$PWD/rules:/rules:ro" obligate serve --host 0.0.0.0 --rules /rules
# To require a bearer token for the API (docs/serve.md), mount it as a secret and pass
#   serve --host 0.0.0.0 --token-file /run/secrets/obligate-token
# scripts/docker-smoke.sh builds this image, starts it and probes /healthz (.ci/run runs it).

# ---- build: one wheel for obligate and one for each dependency (durable-rules compiles C)
FROM python:3.11-slim-bookworm AS build
# build-essential is a meta-package whose version follows the base image's Debian release.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml README.md ./
COPY grammar/ grammar/
COPY rules/ rules/
COPY src/ src/
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

# ---- run: the wheels installed, no compiler, no sources
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN useradd --create-home --uid 10001 --user-group obligate
COPY --from=build /wheels /wheels
# Only the wheels just built are installed (--no-index): their versions are fixed by that build.
# hadolint ignore=DL3013
RUN pip install --no-index --find-links /wheels obligate && rm -rf /wheels
USER 10001:10001
WORKDIR /home/obligate
# The compile cache and the decision log live in the user's own folders, which no one else can
# write to.
ENV OBLIGATE_CACHE_DIR=/home/obligate/.cache/obligate
# Compile the shipped library once at build time, so the first start is quick.
RUN obligate check @shipped
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"]
ENTRYPOINT ["obligate"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
