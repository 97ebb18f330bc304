#!/usr/bin/env bash
# The README's walk-through against a running node: a provider registers an AI system, the authority
# reviews and registers it, someone reports an incident, the authority triages it, and the listings and
# summary show it all. Exits non-zero at the first answer that is not the expected one.
#
#   examples/walkthrough.sh [HTTP_URL]      (default http://127.0.0.1:5080)
#
# It obtains development tokens itself with `fedreg-node token` (Development nodes only), from the node's data
# directory: FEDREG_DATA_DIRECTORY, by default the single Development node's (src/FederatedRegistry.Node/data);
# for the demo's KE node use FEDREG_DATA_DIRECTORY=src/FederatedRegistry.Node/data/KE.
set -euo pipefail

node="${1:-http://127.0.0.1:5080}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
data="$(realpath -m "${FEDREG_DATA_DIRECTORY:-$repo/src/FederatedRegistry.Node/data}")"
for tool in curl jq dotnet; do
  command -v "$tool" >/dev/null || { echo "walkthrough: $tool is required" >&2; exit 2; }
done

# mint ROLE [PROVIDER_ID] — a development token from the node's data directory.
mint() {
  local args=(token --role "$1" --subject walkthrough --Node:DataDirectory "$data")
  [[ $# -gt 1 ]] && args+=(--provider-id "$2")
  ASPNETCORE_ENVIRONMENT=Development dotnet run --project "$repo/src/FederatedRegistry.Node" --no-launch-profile -v q -- "${args[@]}"
}
echo "== development tokens from $data"
authority_token=$(mint authority)
provider_token=$(mint provider KE-PRV-acme-health)
token=$authority_token

body=$(mktemp)
trap 'rm -f "$body"' EXIT

# call METHOD PATH [FILE] EXPECTED_STATUS...  — prints the response body; fails on any other status.
call() {
  local method=$1 path=$2 file="" status
  shift 2
  if [[ $# -gt 0 && -f "$here/$1" ]]; then file="$here/$1"; shift; fi
  local args=(-sS -o "$body" -w '%{http_code}' -X "$method" -H 'content-type: application/json' -H "authorization: Bearer $token")
  [[ -n $file ]] && args+=(--data-binary "@$file")
  status=$(curl "${args[@]}" "$node$path") || { echo "walkthrough: $method $path: no answer from $node" >&2; exit 1; }
  for expected in "$@"; do
    if [[ $status == "$expected" ]]; then cat "$body"; return 0; fi
  done
  echo "walkthrough: $method $path answered $status, expected $*:" >&2
  cat "$body" >&2; echo >&2
  exit 1
}

# expect JQ_FILTER JSON DESCRIPTION — the filter must yield true.
expect() {
  if [[ $(jq -r "$1" <<<"$2") != "true" ]]; then
    echo "walkthrough: expected $3 ($1) in:" >&2; echo "$2" >&2; exit 1
  fi
  echo "  ok: $3"
}

step() { echo "== $*"; }

step "the node"
info=$(call GET /v1/node 200)
code=$(jq -r .code <<<"$info")
expect '.code != ""' "$info" "node $code answers"
[[ $code == KE ]] || { echo "walkthrough: the example bodies name KE identifiers; this node is $code" >&2; exit 1; }

step "a provider registers (409 when a previous run created it)"
provider=$(call POST /v1/providers provider.json 200 409)
expect '(.id == "KE-PRV-acme-health") or (.code == 6)' "$provider" "provider KE-PRV-acme-health exists"

step "the provider registers an AI system, submitted for review (with its own token)"
token=$provider_token
product=$(jq -r .productId "$here/system.json")
system=$(call POST /v1/systems system.json 200 409)
if [[ $(jq -r .code <<<"$system") == 6 ]]; then
  # A previous run registered it: carry on with the stored registration.
  system=$(call GET "/v1/systems?product_id=$(jq -rn --arg p "$product" '$p|@uri')" 200)
  id=$(jq -r '.systems[0].id' <<<"$system")
  system=$(call GET "/v1/systems/$id" 200)
fi
id=$(jq -r .id <<<"$system")
expect '.id | startswith("KE-SYS-")' "$system" "registration $id"

token=$authority_token
if [[ $(jq -r .status <<<"$system") == SYSTEM_STATUS_SUBMITTED ]]; then
  step "the authority starts the review, then registers it as high risk"
  reviewed=$(call POST "/v1/systems/$id:decide" start-review.json 200)
  expect '.status == "SYSTEM_STATUS_UNDER_REVIEW"' "$reviewed" "under review"
  registered=$(call POST "/v1/systems/$id:decide" decision.json 200)
  expect '.status == "SYSTEM_STATUS_REGISTERED" and .decidedRiskTier == "RISK_TIER_HIGH"' "$registered" "registered, decided tier high"
fi

step "an illegal decision is refused with the reason"
refused=$(call POST "/v1/systems/$id:decide" decision.json 400)
expect '.message | contains("allowed now")' "$refused" "register twice is refused"

step "every change is a version"
versions=$(call GET "/v1/systems/$id/versions" 200)
expect '[.versions[].version] == [range(1; (.versions|length)+1)] and (.versions|length) >= 3' "$versions" "versions 1..n"

step "bad input is answered with the fields at fault"
bad=$(curl -sS -X POST -H 'content-type: application/json' -H "authorization: Bearer $token" -d '{"productId":"not a product","details":{"markets":["kenya"]}}' -w '\n%{http_code}' "$node/v1/systems")
[[ $(tail -n1 <<<"$bad") == 400 ]] || { echo "walkthrough: bad input was not answered 400: $bad" >&2; exit 1; }
expect '[.details[].fieldViolations[].field] | (index("product_id") != null and index("details.markets[0]") != null)' "$(head -n -1 <<<"$bad")" "400 names product_id and details.markets[0]"

step "the provider reports an incident with the product"
token=$provider_token
incident=$(call POST /v1/incidents incident.json 200)
token=$authority_token
incident_id=$(jq -r .id <<<"$incident")
expect '.status == "INCIDENT_STATUS_REPORTED" and .crossBorder and .deadlineRule == "serious"' "$incident" "incident $incident_id, cross-border, 15-day rule"

step "the authority triages it"
triaged=$(call POST "/v1/incidents/$incident_id:transition" transition.json 200)
expect '.status == "INCIDENT_STATUS_TRIAGED" and .version == 2' "$triaged" "triaged"

step "without a token, only the public register"
token=""
public=$(call GET "/v1/systems/$id" 200)
expect '.details.assessment == null' "$public" "the public view has no assessment evidence"
call POST /v1/incidents incident.json 401 >/dev/null && echo "  ok: reporting without a token is refused (401)"
token=$authority_token

step "listings and the summary"
listed=$(call GET "/v1/systems?status=SYSTEM_STATUS_REGISTERED&category=CATEGORY_HEALTH" 200)
expect "[.systems[].id] | index(\"$id\") != null" "$listed" "registered health systems include $id"
overdue=$(call GET "/v1/incidents?overdue=true" 200)
expect "[.incidents[].id] | index(\"$incident_id\") != null" "$overdue" "the incident is overdue (aware more than 15 days ago, still open)"
summary=$(call GET /v1/summary 200)
expect '.totalSystems >= 1 and .totalIncidents >= 1' "$summary" "summary counts systems and incidents"
expect '[.cells[] | select(.dataset=="systems" and .dimension=="status" and .value=="registered")][0].count >= 1' "$summary" "summary counts registered systems"

echo "walkthrough: all steps passed against $node (registration $id, incident $incident_id)"
