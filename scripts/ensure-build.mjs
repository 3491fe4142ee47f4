// Builds the service when dist/ is missing or older than any source file, so `npm start` works on
// a fresh clone and after a pull without a separate build step.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
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

function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce(
    (max, entry) => Math.max(max, newest(join(path, entry))),
    stat.mtimeMs,
  );
}

if (
  !existsSync(output) ||
  newest('.', 0) === 0 ||
  sources.some((s) => newest(s) > statSync(output).mtimeMs)
) {
  console.log('Building the service (npm run build)...');
  execSync('npm run build --silent', { stdio: 'inherit' });
}
