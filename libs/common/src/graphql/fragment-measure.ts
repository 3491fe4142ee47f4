import { FragmentDefinitionNode, Kind, SelectionSetNode, ValidationContext } from 'graphql';

/**
 * `measure` of each fragment of the document, by name, computed once however often the fragment
 * is spread: a document spreading fragments many times over is still measured in time linear in
 * its size. Unknown fragments and cycles, which graphql's own rules report, measure as `none`.
 */
export function fragmentMeasure<T>(
  context: ValidationContext,
  measure: (set: SelectionSetNode) => T,
  none: T,
): (name: string) => T {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of context.getDocument().definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      fragments.set(definition.name.value, definition);
  }
  const measured = new Map<string, T>();
  const measuring = new Set<string>();
  return (name) => {
    if (measured.has(name)) return measured.get(name)!;
    const fragment = fragments.get(name);
    if (!fragment || measuring.has(name)) return none;
    measuring.add(name);
    const value = measure(fragment.selectionSet);
    measuring.delete(name);
    measured.set(name, value);
    return value;
  };
}
