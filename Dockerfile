# One image for the orchestrator and the simulators (they differ only in the command).
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# The supervisors' map: a static Vite build the orchestrator serves at /.
RUN npm run build:ui
ENV NODE_ENV=production
USER node
EXPOSE 8080
CMD ["npx", "tsx", "orchestrator/main.ts"]
