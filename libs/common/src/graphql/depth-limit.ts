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

    const depthOf = (set: SelectionSetNode, depth: number, seen: Set<string>): number => {
      let deepest = depth;
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) {
          if (!selection.selectionSet) deepest = Math.max(deepest, depth + 1);
          else deepest = Math.max(deepest, depthOf(selection.selectionSet, depth + 1, seen));
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          deepest = Math.max(deepest, depthOf(selection.selectionSet, depth, seen));
        } else {
          const name = selection.name.value;
          const fragment = fragments.get(name);
          if (fragment && !seen.has(name)) {
            deepest = Math.max(
              deepest,
              depthOf(fragment.selectionSet, depth, new Set(seen).add(name)),
            );
          }
        }
        if (deepest > maxDepth) return deepest;
      }
      return deepest;
    };

    return {
      OperationDefinition(operation) {
        const depth = depthOf(operation.selectionSet, 0, new Set());
        if (depth > maxDepth) {
          context.reportError(
            new GraphQLError(
              `The operation is nested ${depth > maxDepth ? 'more than' : ''} ${maxDepth} levels deep; at most ${maxDepth} are allowed.`,
              { nodes: [operation], extensions: { code: 'BAD_USER_INPUT' } },
            ),
          );
        }
      },
    };
  };
}
