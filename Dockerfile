# Lotse's image: Node 24 runs the TypeScript sources directly (type stripping, no build step).
# Two stages: the first installs the production dependencies exactly as package-lock.json pins
# them; the second holds only those, the sources and the texts, and runs as the unprivileged user
# `node` (uid 1000). Build: `docker compose build` or `docker build -t lotse .`.

FROM node:24-alpine AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# --omit=dev: no test or lint tools. --omit=optional: no second Node (the `node` package serves
# machines whose own Node is older; this image has Node 24) and no native msgpackr speed-up (pure
# JavaScript instead). --ignore-scripts: nothing from a package runs at build time.
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund \
  && npm cache clean --force

FROM node:24-alpine
WORKDIR /app
ENV NODE_ENV=production \
    DATA_DIR=/app/data
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json ./
COPY src ./src
COPY locales ./locales
# The code belongs to root and cannot be changed by the process; only DATA_DIR is writable.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
VOLUME ["/app/data"]
# 8080: Telegram webhook (TELEGRAM_WEBHOOK_PORT); 8090: the staff inbox (--role web); 9464: /healthz, /readyz, /metrics (HEALTH_PORT).
EXPOSE 8080 8090 9464
# Messengers only, logs on stderr; docker-compose.yml chooses the role of each service.
CMD ["node", "src/main.ts", "--no-console"]
