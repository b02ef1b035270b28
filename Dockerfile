# syntax=docker/dockerfile:1
# Lastmile in a container: `docker build -t lastmile .` then `docker run -p 3000:3000 lastmile` (embedded PGlite and
# road network under /app/var), or `docker compose up` for PostgreSQL and two replicas behind a sticky balancer.

# Build: every dependency, then the web pages (Vite) into web/dist.
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build:web

# Runtime dependencies only: the service runs its TypeScript through tsx, which is one of them.
FROM node:20-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-slim
# MALLOC_ARENA_MAX: two malloc arenas, as `npm start` sets (glibc's default of 8 per core keeps ~120 MB more resident; README).
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0 \
    DATA_DIR=/app/var \
    MALLOC_ARENA_MAX=2
WORKDIR /app
COPY --from=deps --chown=root:root /app/node_modules ./node_modules
COPY --chown=root:root package.json ./
COPY --chown=root:root src ./src
COPY --chown=root:root solver ./solver
COPY --chown=root:root data ./data
COPY --from=build --chown=root:root /app/web/dist ./web/dist
# The code stays root-owned and read-only to the service; only its data directory (database, road-graph cache) is its own.
RUN mkdir -p /app/var && chown node:node /app/var
USER node
VOLUME ["/app/var"]
EXPOSE 3000
# Ready means the database answers; the first start also builds the road graph, hence the long start period.
HEALTHCHECK --interval=15s --timeout=5s --start-period=180s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/v1/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# `npm start` without its prestart: the pages were built above, and signals reach node directly.
CMD ["node", "--import", "tsx", "src/main.ts"]
