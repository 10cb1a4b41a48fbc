#!/usr/bin/env bash
# The tools the test suite uses beyond the .NET SDK, in one place: `.ci/run` installs them all with this script, and a
# spec that skips for want of one names the command that installs it (bash scripts/install-test-tools.sh <tool>).
#
#   bash scripts/install-test-tools.sh            install every missing tool (PostgreSQL included; Debian or Ubuntu)
#   bash scripts/install-test-tools.sh chromium   install only the ones named
#   bash scripts/install-test-tools.sh --list     say what each tool is for and whether it is here
#
# Debian packages go in with apt-get (as root, or through sudo); npm tools go into .tools/ in the repository, where
# the specs look for them. A tool that fails to install is reported and the others go on: its specs skip, saying so.
set -uo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
export DEBIAN_FRONTEND=noninteractive

tools=(postgresql aiosmtpd prometheus chromium prism redocly helm oidc-provider mcp-inspector)
declare -A purpose=(
  [postgresql]="required: the tests' embedded PostgreSQL (initdb, pg_ctl)"
  [aiosmtpd]="a real SMTP server for the SMTP adapter specs (Debian python3-aiosmtpd)"
  [prometheus]="promtool checks /metrics; a real Prometheus scrapes it (Features/Operations/Metrics)"
  [chromium]="the admin console's browser specs (Features/Administration/Console, Playwright driving Debian's chromium-headless-shell)"
  [prism]="provider contract specs: Stoplight Prism serves ../shared/specs (needs that folder beside the repository)"
  [redocly]="redocly lint of the OpenAPI document (Infrastructure/ApiDocsTests)"
  [helm]="helm lint and schema checks of the chart (Hosting/ChartLintTests), into .tools/chart-lint"
  [oidc-provider]="a certified OpenID Provider on loopback for the single sign-on specs (Features/Administration/Sso; needs node)"
  [mcp-inspector]="the npm MCP Inspector in CLI mode lists /mcp's tools (Features/Agents/Mcp; needs node)"
)

present() {
  case "$1" in
    postgresql) ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null ;;
    aiosmtpd) /usr/bin/python3 -c "import aiosmtpd" >/dev/null 2>&1 ;;
    prometheus) command -v promtool >/dev/null && command -v prometheus >/dev/null ;;
    chromium) [[ -x /usr/bin/chromium-headless-shell ]] ;;
    prism) [[ -x .tools/node_modules/.bin/prism ]] ;;
    redocly) [[ -x .tools/node_modules/.bin/redocly ]] ;;
    helm) [[ -x .tools/chart-lint/helm/helm && -d .tools/chart-lint/validate/node_modules/kubernetes-models ]] ;;
    oidc-provider) [[ -f .tools/node_modules/oidc-provider/package.json ]] && command -v node >/dev/null ;;
    mcp-inspector) [[ -x .tools/node_modules/.bin/mcp-inspector ]] && command -v node >/dev/null ;;
  esac
}

if [[ "${1:-}" == "--list" ]]; then
  for t in "${tools[@]}"; do printf '%-14s %-8s %s\n' "$t" "$(present "$t" && echo here || echo missing)" "${purpose[$t]}"; done
  [[ -d ../shared/specs ]] || echo "(../shared/specs is not beside the repository: the contract and signature-vector specs skip; nothing installs it)"
  exit 0
fi

wanted=("$@")
((${#wanted[@]})) || wanted=("${tools[@]}")
for t in "${wanted[@]}"; do [[ -n "${purpose[$t]:-}" ]] || { echo "unknown tool '$t'; known: ${tools[*]}" >&2; exit 2; }; done

sudo=""
if ((EUID != 0)); then command -v sudo >/dev/null && sudo="sudo"; fi
apt_updated=""
apt_install() {
  [[ -n "$apt_updated" ]] || { $sudo apt-get update -qq >/dev/null; apt_updated=1; }
  $sudo apt-get install -y -qq "$@" >/dev/null
}
npm_tool() {   # npm package into .tools/
  command -v npm >/dev/null || { echo "npm not found (apt-get install -y npm)"; return 1; }
  mkdir -p .tools && (cd .tools && npm install --silent --no-audit --no-fund "$1" >/dev/null 2>&1)
}

failed=()
for t in "${wanted[@]}"; do
  if present "$t"; then continue; fi
  # With no tool named, Prism is only worth installing where the documents it serves are.
  if [[ "$t" == prism && $# -eq 0 && ! -d ../shared/specs ]]; then echo "install-test-tools: prism skipped (no ../shared/specs beside the repository)"; continue; fi
  echo "install-test-tools: installing $t"
  case "$t" in
    postgresql) apt_install postgresql ;;
    aiosmtpd) apt_install python3-aiosmtpd ;;
    prometheus) apt_install prometheus ;;
    chromium) apt_install chromium-headless-shell ;;
    prism) npm_tool @stoplight/prism-cli@5 ;;
    redocly) npm_tool @redocly/cli@2 ;;
    oidc-provider) npm_tool oidc-provider@9 ;;
    mcp-inspector) npm_tool @modelcontextprotocol/inspector@2 ;;
    helm) { command -v unzip >/dev/null || apt_install unzip; } \
            && HELM_LINT_TOOLS="$root/.tools/chart-lint" bash charts/notification-service/ci/lint.sh --install-only >/dev/null 2>&1 ;;
  esac
  present "$t" || { echo "install-test-tools: $t did not install; its specs will skip"; failed+=("$t"); }
done
((${#failed[@]} == 0)) || exit 1
