# The Strata server. Build: docker build -t strata .   Run: see docker-compose.yml and docs/deploy.md.
# Stage 1 installs everything and builds dist/; stage 2 keeps only what runs
# (production dependencies, dist/, proto/, bin/) and runs as the unprivileged
# `node` user. The server never loads the FUSE binding (an optional dependency
# only `strata mount` and `strata run` use), so nothing here needs FUSE.
ARG NODE_IMAGE=node:22.12-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: nothing is compiled here (classic-level loads its prebuilt binary at run time).
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY proto ./proto
COPY src ./src
COPY server ./server
COPY client ./client
COPY scripts/build.mjs scripts/gen-proto-codecs.mjs scripts/load-esbuild.mjs ./scripts/
RUN node scripts/build.mjs && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    STRATA_DATA=/data \
    STRATA_GRPC=0.0.0.0:7730 \
    STRATA_BULK_PORT=7733 \
    STRATA_HTTP=0.0.0.0:7731 \
    STRATA_S3_GATEWAY=0.0.0.0:7732
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY proto ./proto
COPY bin ./bin
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
# 7733: puts' chunk bytes beside gRPC (docs/api.md, the bulk connection); publish it at the same number.
# 7732: the S3 gateway (docs/s3.md); give it keys with STRATA_S3_GATEWAY_KEYS or it is open to all.
EXPOSE 7730 7731 7732 7733
# Ready = serving gRPC and the object store answers (/readyz); the start period covers opening the stores.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:7731/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "bin/strata.js", "server"]
