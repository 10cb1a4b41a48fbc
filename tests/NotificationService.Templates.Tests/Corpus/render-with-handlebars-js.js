// Produces handlebars-js-4.7-rendered.json: cases written for this project (constructs the spec files cover thinly:
// else chains, sections over every kind of value, standalone lines, block params, @partial-block, includeZero),
// each with the output handlebars.js itself renders. Needs handlebars 4.7.x where node can require it
// (e.g. `npm install handlebars@4.7.8` in a scratch directory, then NODE_PATH=<dir>/node_modules).
// Usage: node render-with-handlebars-js.js rendered-inputs.json handlebars-js-4.7-rendered.json
// The conventional raw-block helper `raw` (options.fn()) is registered, as the service behaves as if it were.
// ({{log}} prints to the console, so the cases go to a file, not to stdout.)
const Handlebars = require('handlebars');
if (!/^4\.7\./.test(Handlebars.VERSION)) throw new Error('handlebars 4.7.x expected, found ' + Handlebars.VERSION);
const inputs = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'));
const cases = inputs.map(([template, data, partials], i) => {
  const env = Handlebars.create();
  // The service renders {{{{raw}}}}…{{{{/raw}}}} as if the usual raw helper were registered (docs/design.md).
  env.registerHelper('raw', options => options.fn());
  for (const name in partials || {}) env.registerPartial(name, partials[name]);
  const expected = env.compile(template)(data);
  return { name: `rendered #${i + 1}: ${template.replace(/\s+/g, ' ').slice(0, 60)}`, template, data, partials: partials || null, expected };
});
require('fs').writeFileSync(process.argv[3], JSON.stringify(cases, null, 1) + '\n');
