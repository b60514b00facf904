# The hub as a container: compiled JavaScript (`npm run build`), run by node as the unprivileged
# `node` user. docker-compose.yml runs it next to EventStoreDB or PostgreSQL. Checked by review
# only: the machines that build and test this project have no Docker engine (CI builds the same
# JavaScript and starts it: scripts/smoke-built.mjs).

# ---- build: every dependency, the TypeScript compiled to dist/, then the dev dependencies dropped
FROM node:20-bookworm-slim AS build
# better-sqlite3 compiles from source when no prebuilt binary fits: it needs python3, make and g++.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# ---- run: node, the production dependencies (better-sqlite3 as built above) and dist/
FROM node:20-bookworm-slim
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist

# OMS_DATA_DIR holds the SQLite files (events.sqlite when EVENT_STORE=sqlite; checkpoints,
# projections and alerts always); a volume is mounted there. Owned by the unprivileged `node` user,
# so that a fresh named volume starts writable for it. HOST: listen on every interface of the
# container, not only on its loopback, or the published port reaches nothing.
RUN mkdir -p /data && chown node:node /data
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 OMS_DATA_DIR=/data
USER node
EXPOSE 3000
CMD ["node", "dist/main/start.js"]
