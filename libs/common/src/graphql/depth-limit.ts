import { ASTVisitor, Kind, SelectionSetNode, ValidationContext } from 'graphql';
import { operationInputError } from './operation-input-error';
import { fragmentMeasure } from './fragment-measure';

/**
 * Validation rule refusing operations nested deeper than `maxDepth` fields (fragments followed,
 * introspection's own fields counted like any other). Runs once per document: Apollo caches
 * validated documents.
 */
export function depthLimitRule(maxDepth: number) {
  return (context: ValidationContext): ASTVisitor => {
    const fragmentDepth = fragmentMeasure(context, (set) => depthOf(set), 0);

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
            operationInputError(
              `The operation is nested ${depth} levels deep; at most ${maxDepth} are allowed.`,
              { nodes: [operation] },
            ),
          );
        }
      },
    };
  };
}
