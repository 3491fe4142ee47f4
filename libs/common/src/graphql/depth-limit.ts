import {
  ASTVisitor,
  FragmentDefinitionNode,
  GraphQLError,
  Kind,
  SelectionSetNode,
  ValidationContext,
} from 'graphql';

/**
 * Validation rule refusing operations nested deeper than `maxDepth` fields (fragments followed,
 * introspection's own fields counted like any other). Runs once per document: Apollo caches
 * validated documents.
 */
export function depthLimitRule(maxDepth: number) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION)
        fragments.set(definition.name.value, definition);
    }
    // A fragment's depth does not depend on where it is spread, so each is measured once: a
    // document spreading fragments many times over still costs time linear in its size.
    const fragmentDepths = new Map<string, number>();
    const measuring = new Set<string>();

    const fragmentDepth = (name: string): number => {
      const known = fragmentDepths.get(name);
      if (known !== undefined) return known;
      const fragment = fragments.get(name);
      // Unknown fragments and cycles are reported by graphql's own rules; they add no depth.
      if (!fragment || measuring.has(name)) return 0;
      measuring.add(name);
      const depth = depthOf(fragment.selectionSet);
      measuring.delete(name);
      fragmentDepths.set(name, depth);
      return depth;
    };

    const depthOf = (set: SelectionSetNode): number => {
      let deepest = 0;
      for (const selection of set.selections) {
        let depth: number;
        if (selection.kind === Kind.FIELD) {
          depth = 1 + (selection.selectionSet ? depthOf(selection.selectionSet) : 0);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          depth = depthOf(selection.selectionSet);
        } else {
          depth = fragmentDepth(selection.name.value);
        }
        deepest = Math.max(deepest, depth);
      }
      return deepest;
    };

    return {
      OperationDefinition(operation) {
        const depth = depthOf(operation.selectionSet);
        if (depth > maxDepth) {
          context.reportError(
            new GraphQLError(
              `The operation is nested ${depth} levels deep; at most ${maxDepth} are allowed.`,
              { nodes: [operation], extensions: { code: 'BAD_USER_INPUT' } },
            ),
          );
        }
      },
    };
  };
}
