# syntax=docker/dockerfile:1
# AuditCaseOS Workflows: one image serving the API, Socket.IO and the Angular console.
# Build:  docker build -t auditcaseos .
# Run:    docker-compose up   (PostgreSQL + 2 replicas + nginx; see docker-compose.yml and docs/operations.md)

# ---- build: everything needed to compile the server and the console ----
FROM node:22-bookworm-slim AS build
WORKDIR /app
ENV CI=true NG_CLI_ANALYTICS=false
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npx nest build && npx ng build

# ---- runtime: production dependencies and the compiled output only ----
# Angular, the Nest CLI, TypeScript and the test tools are devDependencies and stay in the build stage.
FROM node:22-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/app/data
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /app/dist ./dist
# Evidence files and generated secrets live in DATA_DIR: mount a volume there (several replicas share
# DATA_DIR/evidence). The evidence folder exists in the image so that a volume mounted on it starts
# out owned by the node user.
RUN mkdir -p /app/data/evidence && chown -R node:node /app/data
USER node
VOLUME ["/app/data"]
EXPOSE 3000
# Liveness: the process serves requests (it does not depend on the database; readiness is /api/v1/health/ready).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/v1/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Exec form: SIGTERM reaches node, which drains and closes cleanly.
CMD ["node", "dist/server/server/main.js"]
