# Build a static binary, then ship it alone on a minimal base with CA
# certificates (Telegram and LLM calls are HTTPS) as a non-root user.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/fanzha ./cmd/fanzha

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \
	&& rm -rf /var/lib/apt/lists/* \
	&& useradd --system --uid 10001 --no-create-home fanzha
COPY --from=build /out/fanzha /usr/local/bin/fanzha
USER 10001
EXPOSE 8080
ENV FANZHA_LISTEN=:8080
ENTRYPOINT ["/usr/local/bin/fanzha"]
CMD ["serve"]
