// Prints the JavaScript a first visit to the web app loads (the entry script and the chunks
// index.html preloads), gzipped, and fails the build above the 200 KB budget. Lazy chunks
// (hls.js, the explorer) are listed apart: they load only when needed.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 200 * 1024;
const web = join(import.meta.dirname, '../dist/web');
const html = readFileSync(join(web, 'index.html'), 'utf8');
const firstLoad = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
const gzipped = (file) => gzipSync(readFileSync(join(web, file))).length;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

const total = firstLoad.reduce((sum, file) => sum + gzipped(file), 0);
const lazy = readdirSync(join(web, 'assets'))
  .filter((file) => file.endsWith('.js') && !firstLoad.includes(`assets/${file}`))
  .map((file) => `assets/${file}`);
console.log(`web: first load ${kb(total)} of JavaScript gzipped (budget ${kb(BUDGET_BYTES)})`);
for (const file of firstLoad) console.log(`  ${file} ${kb(gzipped(file))}`);
console.log(`web: ${lazy.length} lazy chunks, ${kb(lazy.reduce((s, f) => s + gzipped(f), 0))}`);
if (total > BUDGET_BYTES) {
  console.error('web: the first load is over budget');
  process.exit(1);
}
