# syntax=docker/dockerfile:1
# Build a static binary, then ship it on a slim Debian with what reading
# pictures needs: Tesseract with the Simplified Chinese, Han script and
# English models, and Noto CJK (the OCR engine's languages; the weekly
# report's chart labels). Non-root. No curl: the binary probes itself.
# Base images pinned to exact versions (the Go of go.mod; Debian 12.12
# "bookworm", whose tesseract 5.3.0 the tests and figures were measured
# with); bump them on purpose.
FROM golang:1.26.8-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/fanzha ./cmd/fanzha

FROM debian:12.12-slim
RUN apt-get update \
	&& apt-get install -y --no-install-recommends \
		ca-certificates \
		tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-eng tesseract-ocr-script-hans \
		fonts-noto-cjk \
	&& rm -rf /var/lib/apt/lists/* \
	&& groupadd --system --gid 10001 fanzha \
	&& useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir / --shell /usr/sbin/nologin fanzha \
	&& tesseract --list-langs | grep -qx chi_sim
COPY --from=build /out/fanzha /usr/local/bin/fanzha
USER 10001:10001
ENV FANZHA_LISTEN=:8080
EXPOSE 8080
# The binary probes its own /readyz (exit 0 only on 200) at FANZHA_LISTEN.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 CMD ["/usr/local/bin/fanzha", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/fanzha"]
CMD ["serve"]
