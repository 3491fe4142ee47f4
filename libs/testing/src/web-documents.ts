import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DefinitionNode, FragmentDefinitionNode, Kind, parse, print, visit } from 'graphql';

const WEB_GRAPHQL = join(__dirname, '../../../apps/web/src/graphql');

/** The fragment definitions of a GraphQL text. */
function fragmentsOf(text: string): FragmentDefinitionNode[] {
  return parse(text).definitions.filter(
    (definition): definition is FragmentDefinitionNode =>
      definition.kind === Kind.FRAGMENT_DEFINITION,
  );
}

/**
 * `operation` with the web app's fragments it spreads, directly or not (and no others): the
 * shared ones, and those of `file` when the operation comes from one.
 */
export function withWebFragments(operation: string, file?: string): string {
  const texts = [
    join(WEB_GRAPHQL, 'fragments.graphql'),
    ...(file ? [join(WEB_GRAPHQL, file)] : []),
  ];
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const fragment of [
    ...texts.flatMap((path) => fragmentsOf(readFileSync(path, 'utf8'))),
    ...fragmentsOf(operation),
  ])
    fragments.set(fragment.name.value, fragment);
  const document = parse(operation);
  const used = new Set<string>();
  const collect = (node: DefinitionNode) =>
    visit(node, {
      FragmentSpread(spread) {
        if (used.has(spread.name.value)) return;
        used.add(spread.name.value);
        collect(fragments.get(spread.name.value)!);
      },
    });
  const operationNode = document.definitions[0];
  collect(operationNode);
  return [operationNode, ...[...used].map((name) => fragments.get(name)!)].map(print).join('\n');
}

/** The web app's operation `name` from `file` (apps/web/src/graphql), as the app sends it. */
export function webOperation(file: string, name: string): string {
  const text = readFileSync(join(WEB_GRAPHQL, file), 'utf8');
  const found = new RegExp(`(query|mutation|subscription) ${name}\\b[\\s\\S]*?\\n}\\n`).exec(text);
  if (!found) throw new Error(`No operation ${name} in ${file}`);
  return withWebFragments(found[0], file);
}
