# One image for the worker and the API (the compose file picks the command).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx tsc -p tsconfig.build.json

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY --from=build /app/dist ./dist
# The worker bundles workflow sources at start-up.
COPY workflows ./workflows
# Loaded into the worker's threads (node --require): see the file.
COPY worker/workflow-thread-preload.cjs ./dist/worker/
# The supervisor console's static files (api/console/routes.ts).
COPY console ./console
USER node
CMD ["node", "dist/api/main.js"]
