// axe-core on jsdom over a list of HTML files: the peer of `auto-a11y check` in
// scripts/bench-check. Prints one JSON line per file, {"input", "violations": {rule: nodes}},
// then a summary line {"pages", "seconds", "pages_per_second"} on stderr.
//
//   node bench/axe/axe_run.mjs FILE...        (node_modules from bench/.peers-axe)
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const require = createRequire(process.env.AXE_MODULES ?? import.meta.url);
const { JSDOM, VirtualConsole } = require('jsdom');
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const files = process.argv.slice(2);
const quiet = new VirtualConsole();  // Pages' CSS parse errors are not ours to print.
const started = process.hrtime.bigint();
for (const file of files) {
  const html = readFileSync(file, 'utf8');
  // No resources and no page scripts: the same inputs our checker sees (markup and
  // inline styles). axe itself is injected from outside.
  const dom = new JSDOM(html, { url: pathToFileURL(file).href, runScripts: 'outside-only',
                                virtualConsole: quiet, pretendToBeVisual: true });
  dom.window.eval(axeSource);
  const results = await dom.window.axe.run(dom.window.document, { resultTypes: ['violations'] });
  const violations = {};
  for (const violation of results.violations) violations[violation.id] = violation.nodes.length;
  process.stdout.write(JSON.stringify({ input: file, violations }) + '\n');
  dom.window.close();
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
process.stderr.write(JSON.stringify({ pages: files.length, seconds,
                                      pages_per_second: files.length / seconds }) + '\n');
