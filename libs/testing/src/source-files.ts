import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the code lives: `<libs or apps>/<name>/…`. */
const SOURCE_ROOTS = ['libs', 'apps'];

/** Every file of the libraries and apps whose name ends in `suffix`, relative, with `/`, sorted. */
export function sourceFiles(root: string, suffix: string): string[] {
  return SOURCE_ROOTS.flatMap((dir) => {
    const names = readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' });
    return names
      .filter((name) => name.endsWith(suffix) && !name.split(/[\\/]/).includes('node_modules'))
      .map((name) => join(dir, name).split('\\').join('/'));
  }).sort();
}

export interface RepositorySource {
  /** Relative to the checkout, with `/`. */
  path: string;
  /** The `…Repository` classes it declares. */
  classes: string[];
}

/** Every `*.repository.ts` of the libraries and apps, with the repository classes it declares. */
export function repositorySources(root: string): RepositorySource[] {
  return sourceFiles(root, '.repository.ts').map((path) => ({
    path,
    classes: [...readFileSync(join(root, path), 'utf8').matchAll(/\bclass\s+(\w+Repository)\b/g)]
      .map((match) => match[1])
      .sort(),
  }));
}
