#!/usr/bin/env bash
# Build the test OTLP receiver (OpenTelemetry Collector, otlpreceiver + fileexporter) from Go
# modules with the collector's own builder, once per machine:
#   ~/.cache/careers-crm/otelcol/<version>/otelcol-careers-crm
# Idempotent (a ready binary returns at once) and locked against parallel runs. Needs `go`
# and the Go module proxy; about 6-10 minutes on 2 shared cores the first time.
set -euo pipefail
VERSION=0.165.0
here="$(cd "$(dirname "$0")" && pwd)"
root="${CRM_OTELCOL_CACHE:-$HOME/.cache/careers-crm/otelcol}"
dir="$root/$VERSION"
bin="$dir/otelcol-careers-crm"
if [ -x "$bin" ] && [ -f "$dir/.careers-crm-ready" ]; then
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "error: go is not on PATH: the OpenTelemetry Collector is built from Go modules" \
       "(install Go 1.24+ and allow the Go module proxy)" >&2
  exit 1
fi
mkdir -p "$dir"
exec 9>"$dir/.build.lock"
flock 9
if [ -x "$bin" ] && [ -f "$dir/.careers-crm-ready" ]; then
  exit 0
fi
echo "building the OpenTelemetry Collector $VERSION into $dir (once per machine)" >&2
export GOFLAGS="${GOFLAGS:--p=2}" CGO_ENABLED=0
GOBIN="$dir/tools" go install "go.opentelemetry.io/collector/cmd/builder@v$VERSION"
src="$dir/src"
rm -rf "$src"
sed "s#OUTPUT_PATH#$src#" "$here/manifest.yaml" > "$dir/manifest.yaml"
nice -n 10 "$dir/tools/builder" --config "$dir/manifest.yaml" > "$dir/build.log" 2>&1 || {
  tail -30 "$dir/build.log" >&2
  echo "error: the collector build failed (log: $dir/build.log)" >&2
  exit 1
}
cp "$src/otelcol-careers-crm" "$bin"
"$bin" components >/dev/null
touch "$dir/.careers-crm-ready"
