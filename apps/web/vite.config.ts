// The single-page app and the offline API explorer, built into dist/web (served by the API).
import { resolve } from 'node:path';
import { defineConfig, type Plugin, type Rollup } from 'vite';

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

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  oxc: { jsx: { runtime: 'automatic' } },
  plugins: [preloadApp(resolve(import.meta.dirname, 'src/app/render.tsx'))],
  build: {
    outDir: resolve(import.meta.dirname, '../../dist/web'),
    emptyOutDir: true,
    // The explorer's editor (Monaco) is big; it loads only on /graphql, never with the app.
    chunkSizeWarningLimit: 4096,
    rollupOptions: {
      // GraphiQL's dependencies mark React modules "use client", which means nothing here.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
      input: {
        app: resolve(import.meta.dirname, 'index.html'),
        explorer: resolve(import.meta.dirname, 'explorer.html'),
      },
    },
  },
  server: { proxy: { '/graphql': { target: 'http://localhost:3000', ws: true } } },
});
