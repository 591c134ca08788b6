# Sourced by the bench scripts (not run): the benchmark host and a space to load.
# bench_space URL TITLE — signs up "bench" on the server at URL and opens a space titled TITLE;
# sets TOKEN (the host's bearer token) and SPACE (its id). Needs curl and jq.
bench_space() {
  local base=$1 title=$2
  curl -sf "$base/api/v1/users" -H 'Content-Type: application/json' \
    -d '{"handle":"bench","displayName":"Bench","password":"benchmark password"}' >/dev/null
  TOKEN=$(curl -sf "$base/api/v1/auth/tokens" -H 'Content-Type: application/json' \
    -d '{"handle":"bench","password":"benchmark password"}' | jq -r .token)
  SPACE=$(curl -sf "$base/api/v1/spaces" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d "{\"title\":\"$title\"}" | jq -r .space.id)
}
