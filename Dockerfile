# syntax=docker/dockerfile:1
# The node's container image: fedreg-node (src/FederatedRegistry.Node), self-contained, as a non-root user.
#
#   docker build -t fedreg-node:0.1.0 .
#
# Nothing secret is baked in: the node's signing key, its federation TLS certificate, the database password and
# the issuer keys are mounted or passed at run time (deploy/helm/federated-registry does that on Kubernetes), and
# .dockerignore keeps local data directories and key files out of the build context.
# This file is not built on the development machines (no container engine there); tests/FederatedRegistry.Deploy.Tests
# checks its user, ports, health check and restore layer against the chart and the projects.

ARG DOTNET_VERSION=10.0

FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build
# The node's build installs the dashboard's charting library with npm (src/FederatedRegistry.Node/ClientApp); only this
# stage has it, the runtime image serves the copied file.
RUN apt-get update \
 && apt-get install -y --no-install-recommends npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# The platform being built for (amd64, arm64): the publish is for it, so that the node is precompiled together with the
# .NET runtime it carries (self-contained, one composite ReadyToRun image: see the node's project file) and starts
# without JIT-compiling its start-up path.
ARG TARGETARCH

# Restore layer: only what restore reads, so that a source change does not download the packages again.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/FederatedRegistry.Contracts/FederatedRegistry.Contracts.csproj src/FederatedRegistry.Contracts/
COPY src/FederatedRegistry.Domain/FederatedRegistry.Domain.csproj src/FederatedRegistry.Domain/
COPY src/FederatedRegistry.Federation/FederatedRegistry.Federation.csproj src/FederatedRegistry.Federation/
COPY src/FederatedRegistry.Grains/FederatedRegistry.Grains.csproj src/FederatedRegistry.Grains/
COPY src/FederatedRegistry.Storage/FederatedRegistry.Storage.csproj src/FederatedRegistry.Storage/
COPY src/FederatedRegistry.Node/FederatedRegistry.Node.csproj src/FederatedRegistry.Node/
RUN dotnet restore src/FederatedRegistry.Node/FederatedRegistry.Node.csproj -a "$TARGETARCH"

COPY protos/ protos/
COPY src/ src/
RUN dotnet publish src/FederatedRegistry.Node/FederatedRegistry.Node.csproj -c Release -a "$TARGETARCH" --no-restore -o /app

# Only what a self-contained .NET app needs from the OS: the runtime and ASP.NET Core come with the node.
FROM mcr.microsoft.com/dotnet/runtime-deps:${DOTNET_VERSION} AS runtime

# A fixed UID/GID (10001), so that Kubernetes' runAsUser/fsGroup and file ownership on volumes agree with the image.
RUN groupadd --system --gid 10001 fedreg \
 && useradd --system --uid 10001 --gid 10001 --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin fedreg \
 && mkdir -p /var/lib/fedreg \
 && chown 10001:10001 /var/lib/fedreg

WORKDIR /app
COPY --from=build /app ./

# Listen on every interface (appsettings.json binds loopback for development). The Kestrel endpoints keep their
# protocols from appsettings.json: Http is HTTP/1.1 (JSON, health, metrics), Grpc is h2c. The base image's
# ASPNETCORE_HTTP_PORTS is cleared because the Kestrel endpoints replace it.
ENV ASPNETCORE_ENVIRONMENT=Production \
    ASPNETCORE_HTTP_PORTS= \
    DOTNET_NOLOGO=1 \
    Node__DataDirectory=/var/lib/fedreg \
    Kestrel__Endpoints__Http__Url=http://*:5080 \
    Kestrel__Endpoints__Grpc__Url=http://*:5081 \
    Federation__ListenUrl=https://*:5082 \
    Orleans__SiloPort=11111 \
    Orleans__GatewayPort=30000

# http (JSON, health, /metrics), grpc (h2c), federation (mutual TLS, peers only), Orleans silo, Orleans gateway.
EXPOSE 5080 5081 5082 11111 30000

# The data directory: the embedded store and generated keys when none are configured. With PostgreSQL and mounted
# keys (the Helm chart) nothing durable is written here.
VOLUME ["/var/lib/fedreg"]

USER 10001:10001

# The image has no curl or wget; bash's /dev/tcp asks /health/live on the HTTP port. Kubernetes ignores this and uses
# the chart's probes.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/5080 && printf 'GET /health/live HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]

ENTRYPOINT ["/app/fedreg-node"]
