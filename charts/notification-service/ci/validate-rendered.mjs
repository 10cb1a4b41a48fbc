// Validates every object `helm template` rendered (stdin, multi-document YAML) against the Kubernetes OpenAPI
// schemas that the kubernetes-models packages ship (and prometheus-operator's for the ServiceMonitor).
// Prints one line per object and exits 1 if any is invalid or of a kind it has no schema for.
import { parseAllDocuments } from "yaml";

const input = await new Promise(resolve => { let s = ""; process.stdin.on("data", d => s += d).on("end", () => resolve(s)); });
const objects = parseAllDocuments(input).map(d => d.toJS()).filter(o => o && o.kind);
let failed = 0;
for (const o of objects) {
  const [group, version] = o.apiVersion.includes("/") ? o.apiVersion.split("/") : [null, o.apiVersion];
  const module = group === "monitoring.coreos.com"
    ? `@kubernetes-models/prometheus-operator/${group}/${version}`
    : `kubernetes-models/${group ? `${group}/` : ""}${version}`;
  const name = `${o.kind}/${o.metadata?.name}`;
  try {
    const Model = (await import(module))[o.kind];
    if (!Model) throw new Error(`no schema for ${o.apiVersion} ${o.kind}`);
    new Model(o).validate();
    console.log(`ok      ${o.apiVersion} ${name}`);
  } catch (e) {
    failed++;
    console.log(`INVALID ${o.apiVersion} ${name}: ${e.message}`);
  }
}
console.log(`${objects.length} objects, ${failed} invalid`);
process.exit(failed || objects.length === 0 ? 1 : 0);
