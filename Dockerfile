# The hub as a container (docker-compose.yml runs it next to EventStoreDB). Checked by review
# only: the machines that build and test this project have no Docker engine.
FROM node:20-bookworm-slim

# better-sqlite3 compiles from source when no prebuilt binary fits: it needs python3, make and g++.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY package.json package-lock.json ./
# Dev dependencies included: `npm start` runs the TypeScript sources through tsx.
RUN npm ci --no-audit --no-fund
COPY . .

# OMS_DATA_DIR holds the SQLite files (events.sqlite when EVENT_STORE=sqlite; checkpoints and
# alerts always); a volume is mounted there. Owned by the unprivileged `node` user, so that a
# fresh named volume starts writable for it. HOST: listen on every interface of the container,
# not only on its loopback, or the published port reaches nothing.
RUN mkdir -p /data && chown node:node /data
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 OMS_DATA_DIR=/data
USER node
EXPOSE 3000
CMD ["npm", "start"]
