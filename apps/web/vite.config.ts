// The single-page app and the offline API explorer, built into dist/web (served by the API).
import { resolve } from 'node:path';
import { defineConfig, type Plugin, type Rollup, type UserConfig } from 'vite';

type OutputBundle = Rollup.OutputBundle;
type OutputChunk = Rollup.OutputChunk;

/**
 * The entry script (src/main.ts) is tiny and imports the app dynamically, so it runs, and starts
 * the first screen's reads, as soon as it arrives. This preloads the app's chunks from index.html,
 * so they download alongside it instead of after it.
 */
function preloadApp(dynamicEntry: string): Plugin {
  const chunksOf = (bundle: OutputBundle, chunk: OutputChunk, into = new Set<string>()) => {
    into.add(chunk.fileName);
    for (const file of chunk.imports) {
      const imported = bundle[file];
      if (imported?.type === 'chunk' && !into.has(file)) chunksOf(bundle, imported, into);
    }
    return into;
  };
  return {
    name: 'seeit-preload-app',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, { bundle, filename }) {
        if (!bundle || !filename.endsWith('index.html')) return [];
        const app = Object.values(bundle).find(
          (output): output is OutputChunk =>
            output.type === 'chunk' && output.facadeModuleId === dynamicEntry,
        );
        if (!app) throw new Error(`No chunk for ${dynamicEntry} in the build`);
        // The app's chunks import the entry's (a cycle): those are in index.html already.
        const missing = [...chunksOf(bundle, app)].filter((file) => !html.includes(`/${file}"`));
        return missing.map((file) => ({
          tag: 'link',
          attrs: { rel: 'modulepreload', crossorigin: true, href: `/${file}` },
          injectTo: 'head' as const,
        }));
      },
    },
  };
}

const shared: UserConfig = {
  root: import.meta.dirname,
  base: '/',
  oxc: { jsx: { runtime: 'automatic' } },
  server: { proxy: { '/graphql': { target: 'http://localhost:3000', ws: true } } },
};
const outDir = resolve(import.meta.dirname, '../../dist/web');

/**
 * The app renders with Preact through its React-compatible API: the same components and urql's
 * React bindings, with a tenth of the JavaScript to download and evaluate before the first paint
 * (docs/web.md, First paint).
 */
const preactForReact = [
  { find: /^react-dom\/client$/, replacement: 'preact/compat/client' },
  { find: /^react-dom$/, replacement: 'preact/compat' },
  { find: /^react\/jsx-runtime$/, replacement: 'preact/jsx-runtime' },
  // A build under a NODE_ENV other than production, and the dev server, compile JSX for this one.
  { find: /^react\/jsx-dev-runtime$/, replacement: 'preact/jsx-dev-runtime' },
  { find: /^react$/, replacement: 'preact/compat' },
];

/** The offline API explorer: GraphiQL, which needs React itself. */
const explorer: UserConfig = {
  ...shared,
  build: {
    outDir,
    emptyOutDir: false,
    // The explorer's editor (Monaco) is big; it loads only on /graphql, never with the app.
    chunkSizeWarningLimit: 4096,
    rollupOptions: {
      // GraphiQL's dependencies mark React modules "use client", which means nothing here.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
      input: { explorer: resolve(import.meta.dirname, 'explorer.html') },
    },
  },
};

const app: UserConfig = {
  ...shared,
  resolve: { alias: preactForReact },
  plugins: [preloadApp(resolve(import.meta.dirname, 'src/app/render.tsx'))],
  build: {
    outDir,
    emptyOutDir: true,
    // hls.js (about 560 kB) loads only with a video, never before the first paint.
    chunkSizeWarningLimit: 1024,
    rollupOptions: { input: { app: resolve(import.meta.dirname, 'index.html') } },
  },
};

/**
 * Two builds into dist/web: the app (`vite build`, which empties the folder), then the explorer
 * (`vite build --mode explorer`).
 */
export default defineConfig(({ mode }) => (mode === 'explorer' ? explorer : app));
