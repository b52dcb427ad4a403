# The Strata server. Build: docker build -t strata .
# Stage 1 installs everything and builds dist/; stage 2 keeps only what runs.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY proto ./proto
COPY src ./src
COPY server ./server
COPY client ./client
COPY scripts/build.mjs ./scripts/build.mjs
RUN node scripts/build.mjs && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY proto ./proto
COPY bin ./bin
ENV STRATA_DATA=/data STRATA_GRPC=0.0.0.0:7730 STRATA_HTTP=0.0.0.0:7731
RUN mkdir /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 7730 7731
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s CMD node -e "fetch('http://127.0.0.1:7731/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "bin/strata.js", "server"]
