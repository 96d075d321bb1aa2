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
#
# PYTHON_IMAGE is the base of both stages: any Debian-based image with Python 3.11 and its venv
# module. CI, which cannot pull from Docker Hub, builds on a Debian bookworm of its own making
# (scripts/docker-base.sh):
#   docker build --build-arg PYTHON_IMAGE=obligate-ci/python:3.11-bookworm -t obligate .
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# ---- build: one wheel for obligate and one for each dependency (durable-rules compiles C)
FROM ${PYTHON_IMAGE} AS build
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
# A virtual environment's pip, as in the run stage: Debian's own python3 refuses pip outside one.
# --use-pep517: durable-rules has only a setup.py, which an older pip (Debian's) would run
# without setuptools and wheel; this way each base builds it the same, in isolation.
RUN python3 -m venv /opt/build \
    && /opt/build/bin/pip wheel --no-cache-dir --use-pep517 --wheel-dir /wheels .

# ---- run: the wheels installed in a virtual environment at /opt/obligate, no compiler, no sources
FROM ${PYTHON_IMAGE}
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN useradd --create-home --uid 10001 --user-group obligate
COPY --from=build /wheels /wheels
# Only the wheels just built are installed (--no-index): their versions are fixed by that build.
# hadolint ignore=DL3013
RUN python3 -m venv /opt/obligate \
    && /opt/obligate/bin/pip install --no-index --find-links /wheels obligate \
    && rm -rf /wheels
ENV PATH=/opt/obligate/bin:$PATH
USER 10001:10001
WORKDIR /home/obligate
# The compile cache and the decision log live in the user's own folders, which no one else can
# write to.
ENV OBLIGATE_CACHE_DIR=/home/obligate/.cache/obligate
# Compile the shipped library once at build time, so the first start is quick.
RUN obligate check @shipped
EXPOSE 8000
# The health check asks the port the server was started with (its command line, process 1),
# so `docker run --network host obligate serve --host 127.0.0.1 --port 9000` is checked too.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; args = open('/proc/1/cmdline').read().split('\\0'); port = next((a.split('=', 1)[1] for a in args if a.startswith('--port=')), args[args.index('--port') + 1] if '--port' in args else '8000'); sys.exit(0 if urllib.request.urlopen(f'http://127.0.0.1:{port}/healthz', timeout=4).status == 200 else 1)"]
ENTRYPOINT ["obligate"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
