# syntax=docker/dockerfile:1
# Build a static binary, then ship it alone: no shell, no package manager,
# only CA certificates (Telegram and LLM providers are HTTPS), run as a
# non-root user.
# Base images pinned to exact versions (the Go of go.mod); bump them on purpose.
FROM golang:1.26.8-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/fanzha ./cmd/fanzha \
	&& echo "fanzha:x:10001:10001:fanzha:/:/sbin/nologin" > /out/passwd \
	&& echo "fanzha:x:10001:" > /out/group

FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/passwd /etc/passwd
COPY --from=build /out/group /etc/group
COPY --from=build /out/fanzha /fanzha
USER 10001:10001
ENV FANZHA_LISTEN=:8080
EXPOSE 8080
# No shell or curl in the image: the binary probes its own /readyz
# (exit 0 only on 200) at FANZHA_LISTEN.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 CMD ["/fanzha", "healthcheck"]
ENTRYPOINT ["/fanzha"]
CMD ["serve"]
