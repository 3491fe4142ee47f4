// Builds the service when dist/ is missing or older than any source file, so `npm start` works on
// a fresh clone and after a pull without a separate build step. Only the source folders are
// walked: node_modules and the data folder are not, and an unreadable folder counts as unchanged.
import { execSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const output = 'dist/apps/api/src/main.js';
const sources = [
  'apps',
  'libs',
  'migrations',
  'bench',
  'tsconfig.json',
  'tsconfig.build.json',
  'package.json',
];

function modifiedAt(path) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function newest(path) {
  const stat = modifiedAt(path);
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let entries = [];
  try {
    entries = readdirSync(path);
  } catch {
    return stat.mtimeMs;
  }
  return entries.reduce((max, entry) => Math.max(max, newest(join(path, entry))), stat.mtimeMs);
}

const built = modifiedAt(output);
if (!built || sources.some((source) => newest(source) > built.mtimeMs)) {
  console.log('Building the service (npm run build)...');
  // What `npm start` serves is the production bundle, whatever NODE_ENV the caller runs under
  // (a test runner's is `test`).
  execSync('npm run build --silent', {
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
}
