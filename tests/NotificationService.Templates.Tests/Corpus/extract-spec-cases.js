// Produces handlebars-js-4.7-spec.json: runs handlebars.js's spec files (not handlebars.js itself) with stand-ins for
// their test bench that only record each expectTemplate(...).toCompileTo(expected) case, and keeps the cases a tenant
// could send: no helper, decorator or compile/runtime option of the test's own, an object of plain JSON data (no
// functions, no sparse arrays), string partials, and nothing that touches the global Handlebars environment.
// Usage (in a directory holding the spec files, e.g. `git show v4.7.8:spec/basic.js > basic.js`):
//   node extract-spec-cases.js basic blocks builtins data whitespace-control regressions partials
// then copy cases.json over handlebars-js-4.7-spec.json.
const vm = require('vm'); const fs = require('fs');
const out = []; const skipped = {};
let path = [], tainted = false, itName = '', file = '';
function taint() { tainted = true; return taintProxy; }
const taintProxy = new Proxy(function () {}, { get: () => taint(), apply: () => taint(), construct: () => taint(), set: () => { taint(); return true; } });
function plainJson(v, seen = new Set()) {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return isFinite(v);
  if (typeof v === 'undefined') return true;
  if (typeof v === 'function') return false;
  if (Array.isArray(v)) { for (let i = 0; i < v.length; i++) if (!(i in v) || v[i] === undefined || !plainJson(v[i], seen)) return false; return true; }
  if (typeof v === 'object') {
    const proto = Object.getPrototypeOf(v); if (proto === null || Object.getPrototypeOf(proto) !== null) return false;
    if (seen.has(v)) return false; seen.add(v);
    return Object.keys(v).every(k => plainJson(v[k], seen)) && Object.getOwnPropertySymbols(v).length === 0;
  }
  return false;
}
function record(b, expected, why) {
  const name = file + ' > ' + path.join(' > ') + ' > ' + itName;
  const reason = why || (Object.keys(b.helpers).length ? 'helpers' : Object.keys(b.decorators).length ? 'decorators'
    : Object.keys(b.compileOptions).filter(k => !(k === 'compat' && b.compileOptions[k] === false)).length ? 'compileOptions' : Object.keys(b.runtimeOptions).length ? 'runtimeOptions'
    : !(b.input === undefined || (typeof b.input === 'object' && b.input !== null && !Array.isArray(b.input))) ? 'non-object input'
    : !plainJson(b.input) ? 'non-JSON input' : !Object.values(b.partials).every(p => typeof p === 'string') ? 'compiled partial'
    : typeof b.template !== 'string' ? 'non-string template' : null);
  if (reason) { skipped[reason] = (skipped[reason] || 0) + 1; return; }
  out.push({ name, template: b.template, data: b.input === undefined ? {} : JSON.parse(JSON.stringify(b.input)),
    partials: Object.keys(b.partials).length ? b.partials : null, expected, tainted });
}
class Bench {
  constructor(t) { this.template = t; this.helpers = {}; this.partials = {}; this.decorators = {}; this.input = {}; this.compileOptions = {}; this.runtimeOptions = {}; }
  withInput(i) { this.input = i; return this; }
  withHelper(n, f) { this.helpers[n] = f; return this; }
  withHelpers(h) { Object.assign(this.helpers, h); return this; }
  withPartial(n, p) { this.partials[n] = p; return this; }
  withPartials(p) { Object.assign(this.partials, p); return this; }
  withDecorator(n, d) { this.decorators[n] = d; return this; }
  withDecorators(d) { Object.assign(this.decorators, d); return this; }
  withCompileOptions(o) { this.compileOptions = o; return this; }
  withRuntimeOptions(o) { this.runtimeOptions = o; return this; }
  withMessage() { return this; }
  toCompileTo(expected) { record(this, expected, tainted ? 'environment' : null); }
  toThrow() { skipped['toThrow'] = (skipped['toThrow'] || 0) + 1; }
}
const sandbox = {
  describe(n, fn) { path.push(n); try { fn(); } catch (e) {} path.pop(); },
  it(n, fn) { itName = n; tainted = false; try { fn.call({}); } catch (e) { if (process.env.DBG) process.stderr.write(itName + ": " + e.message + "\n"); } },
  beforeEach() {}, afterEach() {}, before() {}, after() {},
  expectTemplate: t => new Bench(t),
  shouldCompileTo(t, hash, expected) {
    if (Array.isArray(hash) || (hash && hash.hash)) { skipped['legacy array'] = (skipped['legacy array'] || 0) + 1; return; }
    const b = new Bench(t); b.input = hash; b.toCompileTo(expected);
  },
  shouldCompileToWithPartials() { skipped['legacy partials'] = (skipped['legacy partials'] || 0) + 1; },
  Handlebars: taintProxy, handlebarsEnv: taintProxy, CompilerContext: taintProxy, equals: taint, equal: taint, shouldThrow: taint,
  expect: taint, sinon: taintProxy, console, JSON, Object, Array, String, Number, Error, Math, Date, RegExp,
};
sandbox.global = sandbox;
vm.createContext(sandbox);
for (file of process.argv.slice(2)) vm.runInContext(fs.readFileSync(file + '.js', 'utf8'), sandbox, { filename: file });
// Names must be unique: number repeated ones.
const seen = {};
for (const c of out) { const n = c.name; seen[n] = (seen[n] || 0) + 1; if (seen[n] > 1) c.name = n + ' #' + seen[n]; }
for (const c of out) if (seen[c.name] > 1) c.name += ' #1';
fs.writeFileSync('cases.json', JSON.stringify(out.map(({ tainted, ...c }) => c), null, 1));
process.stderr.write('cases ' + out.length + ' skipped ' + JSON.stringify(skipped) + '\n');
