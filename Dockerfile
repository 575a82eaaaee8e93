# Lotse's bot image: Node 24 runs the TypeScript sources directly (type stripping, no build step).
FROM node:24-alpine

WORKDIR /app
ENV NODE_ENV=production \
    DATA_DIR=/app/data

# Production dependencies only; pino-pretty and the other tools stay out of the image.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY src ./src
COPY locales ./locales
RUN mkdir -p /app/data && chown node:node /app/data

USER node
VOLUME ["/app/data"]
CMD ["node", "src/main.ts"]
