# Build stage: compile TypeScript.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

# Runtime stage: compiled code, production dependencies, model artifact and shipped datasets.
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/package.json ./
COPY artifacts ./artifacts
COPY datasets ./datasets
USER node
EXPOSE 3000
# Migrations run first (under an advisory lock, so scaled-out replicas are safe), then the server.
CMD ["sh", "-c", "node dist/src/database/migrate.js && node --max-semi-space-size=64 dist/src/main.js"]
