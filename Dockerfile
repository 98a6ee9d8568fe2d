# orglife: the daemon (schedules, deliveries, HTTP API) as a container.
#   docker build -t orglife .
#   docker run -d --name orglife -v orglife-data:/data -p 127.0.0.1:8080:8080 \
#     -e REDIS_URL=redis://redis:6379 -e SMTP_URL=... -e ORGLIFE_API_TOKENS=... orglife
# See deploy/docker-compose.example.yml for a setup with Redis, and README "Operations".

# ---- build: compile TypeScript, build the native better-sqlite3 module for this very base image ----
FROM node:20-slim AS build
WORKDIR /app
# Toolchain for node-gyp, used when no prebuilt better-sqlite3 binary matches (it stays in this stage).
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# The prepare script (scripts/build.mjs --if-possible) skips the build here: src/ comes later.
COPY scripts ./scripts
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# tsc -p tsconfig.build.json → dist/, then the migrations are copied next to dist/store (they are not TypeScript).
RUN npm run build \
 && test -f dist/store/sqlite/migrations/meta/_journal.json \
 && test -f dist/store/postgres/migrations/meta/_journal.json \
 && npm prune --omit=dev

# ---- runtime ----
FROM node:20-slim
ENV NODE_ENV=production \
    ORGLIFE_USE_DIST=1 \
    ORGLIFE_DB=/data/orglife.db \
    ORGLIFE_CONFIG=/app/config
WORKDIR /app
RUN groupadd --system orglife \
 && useradd --system --gid orglife --home-dir /app --shell /usr/sbin/nologin orglife \
 && mkdir -p /data && chown orglife:orglife /data
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY config ./config
# Listen on every interface inside the container (a published port must reach the API); mount your own
# settings as /app/config/local.yaml (files merge in name order after default.yaml).
COPY deploy/docker.yaml ./config/docker.yaml
USER orglife
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.ORGLIFE_HTTP_PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM: stop taking jobs, finish in-flight ones (≤ 30 s), close cleanly. Give it time: docker stop -t 45.
STOPSIGNAL SIGTERM
CMD ["node", "dist/cli/main.js", "daemon"]
