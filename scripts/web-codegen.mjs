// Generates the web app's GraphQL types and typed documents (apps/web/src/generated/graphql.ts)
// and the schema introspection graphcache uses for the TimelineItem union and the Node interface
// (apps/web/src/generated/introspection.json), from apps/api/schema.gql and the operations in
// apps/web/src/**/*.graphql, and the exact queries the first paint starts before the app loads
// (apps/web/src/generated/first-paint.ts). With --check it writes nothing and exits 1 when they are stale.
// It calls @graphql-codegen/core directly: the CLI's loaders need a newer @graphql-tools than
// the one the API pins for Node 20.
import { codegen } from '@graphql-codegen/core';
import * as typescriptOperations from '@graphql-codegen/typescript-operations';
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { buildSchema, introspectionFromSchema, parse, print, visit } from 'graphql';
import { formatDocument } from 'urql';

const root = join(import.meta.dirname, '..');
const sources = join(root, 'apps/web/src');
const outDir = join(sources, 'generated');

function graphqlFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return graphqlFiles(path);
    return entry.name.endsWith('.graphql') ? [path] : [];
  });
}

const schema = buildSchema(readFileSync(join(root, 'apps/api/schema.gql'), 'utf8'));
const documents = graphqlFiles(sources)
  .sort()
  .map((path) => ({ location: relative(root, path), document: parse(readFileSync(path, 'utf8')) }));

const pluginMap = { typescriptOperations };

/**
 * What graphcache reads of the schema: object, interface and union types with their fields and
 * possible types; every leaf type is the one scalar `Any` (as @urql/introspection minifies).
 */
function minifiedIntrospection(fromSchema) {
  const full = introspectionFromSchema(fromSchema, { descriptions: false });
  const composite = new Set(['OBJECT', 'INTERFACE', 'UNION']);
  const typeRef = (ref) => {
    if (ref.kind === 'NON_NULL' || ref.kind === 'LIST')
      return { kind: ref.kind, ofType: typeRef(ref.ofType) };
    return composite.has(ref.kind)
      ? { kind: ref.kind, name: ref.name }
      : { kind: 'SCALAR', name: 'Any' };
  };
  const types = full.__schema.types
    .filter((type) => composite.has(type.kind) && !type.name.startsWith('__'))
    .map((type) => ({
      kind: type.kind,
      name: type.name,
      ...(type.fields && {
        fields: type.fields.map((field) => ({
          name: field.name,
          type: typeRef(field.type),
          args: field.args.map((arg) => ({ name: arg.name, type: typeRef(arg.type) })),
        })),
      }),
      ...(type.interfaces && {
        interfaces: type.interfaces.map(({ kind, name }) => ({ kind, name })),
      }),
      ...(type.possibleTypes && {
        possibleTypes: type.possibleTypes.map(({ kind, name }) => ({ kind, name })),
      }),
    }));
  const { queryType, mutationType, subscriptionType } = full.__schema;
  return {
    __schema: {
      queryType: { name: queryType.name },
      mutationType: mutationType && { name: mutationType.name },
      subscriptionType: subscriptionType && { name: subscriptionType.name },
      types: [...types, { kind: 'SCALAR', name: 'Any' }],
      directives: [],
    },
  };
}
const definitions = documents.flatMap(({ document }) => document.definitions);
const fragments = new Map(
  definitions
    .filter((def) => def.kind === 'FragmentDefinition')
    .map((def) => [def.name.value, def]),
);
const operations = definitions.filter((def) => def.kind === 'OperationDefinition');

/** An operation with the fragments it spreads, as one document. */
function operationDocument(operation) {
  const used = new Map();
  const collect = (node) =>
    visit(node, {
      FragmentSpread(spread) {
        const name = spread.name.value;
        if (used.has(name)) return;
        used.set(name, fragments.get(name));
        collect(fragments.get(name));
      },
    });
  collect(operation);
  return { kind: 'Document', definitions: [operation, ...used.values()] };
}

/**
 * The text of an operation as the app's client sends it: graphcache reads `__typename` on every
 * selection, so it is formatted as the client formats it.
 */
function operationText(name) {
  const operation = operations.find((def) => def.name?.value === name);
  if (!operation) throw new Error(`No operation ${name} in apps/web/src/**/*.graphql`);
  return print(formatDocument(operationDocument(operation)));
}

const capitalized = (word) => word[0].toUpperCase() + word.slice(1);

/**
 * Each operation as a typed document, from its text: urql's `gql` parses it when the module
 * loads, which costs less than evaluating the same documents written out as syntax trees (each
 * repeating the fragments it spreads), and keeps the text for the request.
 */
function typedDocuments() {
  const lines = operations.map((operation) => {
    const name = operation.name.value;
    const result = `${name}${capitalized(operation.operation)}`;
    const text = JSON.stringify(print(operationDocument(operation)));
    return `export const ${name}Document = gql<${result}, ${result}Variables>(${text});`;
  });
  return lines.join('\n') + '\n';
}

const header = '/* Generated by scripts/web-codegen.mjs (npm run codegen). Do not edit. */\n';

const outputs = {
  'graphql.ts':
    header +
    "import { gql } from 'urql';\n" +
    (await codegen({
      schema: parse(readFileSync(join(root, 'apps/api/schema.gql'), 'utf8')),
      schemaAst: schema,
      documents,
      filename: 'graphql.ts',
      pluginMap,
      plugins: [{ typescriptOperations: {} }],
      config: {
        scalars: { DateTime: 'string' },
        enumsAsTypes: true,
        useTypeImports: true,
        nonOptionalTypename: true,
        avoidOptionals: { field: true, object: true, inputValue: false, defaultValue: false },
      },
    })) +
    typedDocuments(),
  'introspection.json': JSON.stringify(minifiedIntrospection(schema)) + '\n',
  'first-paint.ts':
    header +
    '/** The text of each operation the first paint sends, by operation name. */\n' +
    `export const firstPaintQueries = ${JSON.stringify(
      Object.fromEntries(['Me', 'HomeTimeline'].map((name) => [name, operationText(name)])),
      null,
      2,
    )} as const;\n`,
};

const check = process.argv.includes('--check');
const stale = [];
mkdirSync(outDir, { recursive: true });
for (const [name, text] of Object.entries(outputs)) {
  const path = join(outDir, name);
  let current = null;
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    current = null;
  }
  if (current === text) continue;
  if (check) stale.push(relative(root, path));
  else writeFileSync(path, text);
}
if (stale.length > 0) {
  console.error(`Stale generated files (run npm run codegen): ${stale.join(', ')}`);
  process.exit(1);
}
