# Build stage: compile TypeScript with every dependency installed.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# Production dependencies only, installed fresh from the lockfile (what CI checks without Docker:
# scripts/check-production-start.sh), so nothing from the build's devDependencies leaks in.
FROM node:20-bookworm-slim AS production-dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# Runtime stage: compiled code, production dependencies, model artifact and shipped datasets.
# The code stays owned by root (the service cannot rewrite itself); the `node` user of the image
# runs it and owns only /app/.data, where embedded PostgreSQL would keep its data if DATABASE_URL
# were unset.
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=production-dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json package-lock.json ./
COPY artifacts ./artifacts
COPY datasets ./datasets
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 3000
# Slim images have no curl: Node's own fetch asks /health (200 when the database answers).
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Migrations run first (under an advisory lock, so scaled-out replicas are safe), then the server.
# `exec` makes node the process `docker stop` signals, so SIGTERM reaches its clean shutdown.
CMD ["sh", "-c", "node dist/src/database/migrate.js && exec node --max-semi-space-size=64 dist/src/main.js"]
