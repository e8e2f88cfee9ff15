# Build stage: compile the release binary against libpq.
FROM rust:1-bookworm AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
# The allocator's build-time settings (jemalloc's background purging).
COPY .cargo ./.cargo
COPY api ./api
COPY migrations ./migrations
# The demo plan is embedded in the binary (`ctg serve --demo`).
COPY demo ./demo
COPY tests ./tests
RUN cargo build --release --locked --bin ctg

# Runtime stage: the binary and the C library it links, nothing else.
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq5 ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /nonexistent --shell /usr/sbin/nologin ctg
COPY --from=build /src/target/release/ctg /usr/local/bin/ctg
USER ctg
ENV CTG_BIND=0.0.0.0:8080
EXPOSE 8080
ENTRYPOINT ["ctg"]
CMD ["serve"]
