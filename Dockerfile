# The Strata server. Build: docker build -t strata .
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY tsconfig.json ./
COPY proto ./proto
COPY src ./src
COPY server ./server
COPY client ./client
COPY bin ./bin
ENV STRATA_DATA=/data STRATA_GRPC=0.0.0.0:7730 STRATA_HTTP=0.0.0.0:7731
VOLUME /data
EXPOSE 7730 7731
HEALTHCHECK --interval=10s --timeout=3s CMD node -e "fetch('http://127.0.0.1:7731/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--import", "tsx", "server/main.ts"]
