import {
  ASTVisitor,
  OperationTypeNode,
  Kind,
  OperationDefinitionNode,
  SelectionSetNode,
  ValidationContext,
} from 'graphql';
import { operationInputError } from './operation-input-error';
import { fragmentMeasure } from './fragment-measure';

export interface OperationShapeLimits {
  /** Top-level fields of a query or subscription. */
  readonly maxRootFields: number;
  /** Top-level fields of a mutation. */
  readonly maxMutations: number;
  readonly maxAliases: number;
  readonly maxFragmentSpreads: number;
}

/** What a selection set holds once its fragments are expanded. */
interface Shape {
  /** Fields at its own level (through inline fragments and spreads). */
  fields: number;
  aliases: number;
  spreads: number;
}

const NONE: Shape = { fields: 0, aliases: 0, spreads: 0 };

/**
 * Validation rule refusing operations with too many top-level fields (aliases make one field
 * many), too many aliases, or too many fragment spreads. Everything is counted as the fragments
 * expand, but each fragment is measured once: a document whose fragments double at every level
 * is refused in time linear in its size, before anything estimates or runs it.
 */
export function operationShapeRule(limits: OperationShapeLimits) {
  return (context: ValidationContext): ASTVisitor => {
    const fragmentShape = fragmentMeasure(context, (set) => shapeOf(set), NONE);

    const shapeOf = (set: SelectionSetNode): Shape => {
      // Sums of doubling fragments outgrow any integer; a float that reaches Infinity still compares.
      const shape = { fields: 0, aliases: 0, spreads: 0 };
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) {
          shape.fields += 1;
          if (selection.alias) shape.aliases += 1;
          if (selection.selectionSet) {
            const inner = shapeOf(selection.selectionSet);
            shape.aliases += inner.aliases;
            shape.spreads += inner.spreads;
          }
        } else {
          const inner =
            selection.kind === Kind.INLINE_FRAGMENT
              ? shapeOf(selection.selectionSet)
              : fragmentShape(selection.name.value);
          if (selection.kind === Kind.FRAGMENT_SPREAD) shape.spreads += 1;
          shape.fields += inner.fields;
          shape.aliases += inner.aliases;
          shape.spreads += inner.spreads;
        }
      }
      return shape;
    };

    const refuse = (operation: OperationDefinitionNode, message: string, limit: number) =>
      context.reportError(
        operationInputError(message, { nodes: [operation], extensions: { limit } }),
      );

    return {
      OperationDefinition(operation) {
        const shape = shapeOf(operation.selectionSet);
        const count = (n: number) => (Number.isFinite(n) ? String(n) : 'too many');
        if (shape.spreads > limits.maxFragmentSpreads) {
          refuse(
            operation,
            `The operation spreads fragments ${count(shape.spreads)} times once expanded; at most ${limits.maxFragmentSpreads} are allowed.`,
            limits.maxFragmentSpreads,
          );
          // The other counts grow with the spreads: one error says it.
          return;
        }
        if (
          operation.operation === OperationTypeNode.MUTATION &&
          shape.fields > limits.maxMutations
        ) {
          refuse(
            operation,
            `The operation runs ${shape.fields} mutations; at most ${limits.maxMutations} are allowed in one request.`,
            limits.maxMutations,
          );
        } else if (
          operation.operation !== OperationTypeNode.MUTATION &&
          shape.fields > limits.maxRootFields
        ) {
          refuse(
            operation,
            `The operation asks for ${shape.fields} top-level fields; at most ${limits.maxRootFields} are allowed in one request.`,
            limits.maxRootFields,
          );
        }
        if (shape.aliases > limits.maxAliases) {
          refuse(
            operation,
            `The operation uses ${shape.aliases} aliases; at most ${limits.maxAliases} are allowed.`,
            limits.maxAliases,
          );
        }
      },
    };
  };
}
