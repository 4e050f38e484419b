# newsindex runtime image: the `newsindex` CLI, the Prefect flows, and Prefect itself.
# docker-compose.yml runs three services from it: prefect-server, worker and setup.
#
#   docker build -t newsindex:local .
#   docker run --rm newsindex:local --help
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

# An unprivileged user with a home: Prefect keeps its profile and the UI's static files in
# ~/.prefect. /var/lib/newsindex holds run state (the dead-letter file); compose mounts a
# named volume there, which starts out owned by this user; so does /var/lib/newsindex-keys
# (the API keys written by `setup --security`, readable by this user only).
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --create-home --home-dir /home/app app \
    && install -d -o app -g app /var/lib/newsindex \
    && install -d -o app -g app -m 700 /var/lib/newsindex-keys

WORKDIR /app

# Dependencies first (a layer that changes only with the lock). Every pinned distribution must
# match one of its hashes, and pip refuses any requirement that is missing from the lock.
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock

# Then the project itself (the code stays owned by root: the app user cannot change it), without resolving anything again: --no-deps keeps the lock's
# versions, and --no-build-isolation builds with the locked setuptools instead of fetching one.
COPY . ./
RUN pip install --no-deps --no-build-isolation . \
    && rm -rf build ./*.egg-info

ENV NEWSINDEX_DEAD_LETTER_PATH=/var/lib/newsindex/dead-letter.jsonl \
    PREFECT_SERVER_ANALYTICS_ENABLED=false

USER app

ENTRYPOINT ["newsindex"]
CMD ["--help"]
