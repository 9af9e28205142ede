#!/bin/sh
# Vercel build (vercel.json buildCommand): copy the static files to dist/ and write
# dist/config.json from the project's environment variables (set by infra/vercel).
# Refuses missing or odd values instead of shipping a front that cannot reach its API.
# Usage: sh build.sh [OUTPUT_DIR]   (default dist, beside this script)
set -eu
cd "$(dirname "$0")"
out="${1:-dist}"
: "${API_URL:?set API_URL (https://api.<domain>) in the Vercel project}"
: "${SUPABASE_URL:?set SUPABASE_URL (https://<ref>.supabase.co) in the Vercel project}"
: "${SUPABASE_ANON_KEY:?set SUPABASE_ANON_KEY (the project's public anon key) in the Vercel project}"
: "${TURNSTILE_WIDGET_ID:?set TURNSTILE_WIDGET_ID (the Turnstile widget's public site key) in the Vercel project}"
# Cloudflare's widget script; tests point it at a local copy (no network there).
TURNSTILE_SCRIPT_URL="${TURNSTILE_SCRIPT_URL:-https://challenges.cloudflare.com/turnstile/v0/api.js}"
# The social providers Supabase Auth enables, comma separated (infra/vercel sets it).
AUTH_PROVIDERS="${AUTH_PROVIDERS:-}"
providers=""
for p in $(echo "$AUTH_PROVIDERS" | tr ',' ' '); do
  case "$p" in
    google|github|linkedin_oidc) providers="${providers:+$providers,}\"$p\"" ;;
    *) echo "build.sh: AUTH_PROVIDERS has $p; use google, github, linkedin_oidc" >&2; exit 1 ;;
  esac
done
for url in "$API_URL" "$SUPABASE_URL" "$TURNSTILE_SCRIPT_URL"; do
  case "$url" in
    https://*|http://127.0.0.1:*|http://localhost:*) ;;
    *) echo "build.sh: $url must be an https:// URL" >&2; exit 1 ;;
  esac
done
case "$API_URL$SUPABASE_URL$SUPABASE_ANON_KEY$TURNSTILE_WIDGET_ID$TURNSTILE_SCRIPT_URL" in
  *[!A-Za-z0-9:/._~=-]*) echo "build.sh: a URL or the anon key has characters it cannot have" >&2; exit 1 ;;
esac
rm -rf "$out"
mkdir -p "$out"
cp app.js style.css "$out/"
config=$(printf '{"apiUrl":"%s","supabaseUrl":"%s","supabaseAnonKey":"%s","turnstileSiteKey":"%s","turnstileScriptUrl":"%s","authProviders":[%s]}' \
  "$API_URL" "$SUPABASE_URL" "$SUPABASE_ANON_KEY" "$TURNSTILE_WIDGET_ID" "$TURNSTILE_SCRIPT_URL" \
  "$providers")
printf '%s\n' "$config" > "$out/config.json"
# The same config in the page itself, and a connection to the API opened while app.js loads:
# on a slow network each saves a round trip before the first API call (docs/performance.md).
# A meta tag, not an inline script: the CSP allows no inline script. The values were checked
# above to hold no quote, '<', '&' or '|'.
sed "s|<!-- build.sh: config -->|<link rel=\"preconnect\" href=\"$API_URL\" crossorigin><meta name=\"crm-config\" content='$config'>|" \
  index.html > "$out/index.html"
echo "build.sh: $out ready for $API_URL"
