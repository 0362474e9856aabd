# DocuVault: one image for every role (ROLE=all|api|worker).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY server/package.json server/
COPY web/package.json web/
RUN npm ci --ignore-scripts --no-audit --no-fund && npm rebuild argon2
COPY tsconfig.base.json ./
COPY scripts ./scripts
COPY server ./server
COPY web ./web
RUN node scripts/build.mjs --force && npm prune --omit=dev --ignore-scripts

FROM node:20-bookworm-slim
# The OCR program for scans (faster than the tesseract.js fallback the app has without it).
RUN apt-get update && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-eng \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production DATA_DIR=/data PORT=8080
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/server/package.json ./server/
COPY --from=build /app/server/dist ./server/dist
COPY --from=build /app/web/dist ./web/dist
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 8080
CMD ["node", "server/dist/main.js"]
