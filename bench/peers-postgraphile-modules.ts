/**
 * PostGraphile 4 needs graphql 15 while seeit uses 16, so npm nests graphql 15 twice (under
 * postgraphile and under graphile-build-pg) and graphile-build twice: two copies of one module
 * in one schema make graphql fail its instanceof checks ("Unexpected input type"). In the
 * PostGraphile peer's process only, every `graphql` and `graphile-build` request resolves to
 * postgraphile's own copy. Imported before postgraphile.
 */
import Module from 'node:module';
import { dirname } from 'node:path';

const postgraphileDir = dirname(require.resolve('postgraphile/package.json'));
const coreDir = dirname(
  require.resolve('postgraphile-core/package.json', { paths: [postgraphileDir] }),
);
const SHARED: Record<string, string> = { graphql: postgraphileDir, 'graphile-build': coreDir };

type Resolve = (
  request: string,
  parent: unknown,
  isMain?: boolean,
  options?: { paths: string[] },
) => string;
const loader = Module as unknown as { _resolveFilename: Resolve };
const resolve = loader._resolveFilename.bind(Module);
loader._resolveFilename = (request, parent, isMain, options) => {
  const from = SHARED[request.startsWith('graphql/') ? 'graphql' : request];
  return from
    ? resolve(request, parent, isMain, { paths: [from] })
    : resolve(request, parent, isMain, options);
};
