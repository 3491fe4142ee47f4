import { DocumentNode, GraphQLError, GraphQLSchema, Kind, visit } from 'graphql';
import { ComplexityEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import { DEFAULT_PAGE_SIZE } from '../pagination/connection';
import { operationInputError } from './operation-input-error';

/**
 * A list field costs its children times the page it asks for (`first`, else the default page),
 * so `followers(first: 100) { followers(first: 100) { … } }` is priced for what it would load.
 */
const pagedEstimator: ComplexityEstimator = ({ field, args, childComplexity }) => {
  if (!field.args.some((arg) => arg.name === 'first')) return undefined;
  const first: unknown = args.first;
  const size = typeof first === 'number' && first > 0 ? first : DEFAULT_PAGE_SIZE;
  return 1 + size * Math.max(childComplexity, 1);
};

const estimators = [pagedEstimator, simpleEstimator({ defaultComplexity: 1 })];

/** Fields the estimate walks, fragments expanded, before it gives up (and the operation is refused). */
const MAX_ESTIMATED_FIELDS = 10_000;

const refused = (message: string, extensions: Record<string, unknown>) =>
  operationInputError(message, { extensions: { ...extensions, http: { status: 400 } } });

/** A cost, or why it could not be computed. */
type Estimate = number | { reason: string };

/**
 * Remembered per document: at most this many sets of the variables the cost reads (a document
 * sent with ever-new page sizes stops adding), each at most this long as JSON.
 */
const MAX_ESTIMATES_PER_DOCUMENT = 64;
const MAX_REMEMBERED_KEY_LENGTH = 1_024;

/**
 * Estimates by document, then by schema, operation and the variables the cost reads. Apollo keeps
 * one parsed document per query text, so a client's repeated operation is priced once, not on
 * every request, and a mutation's ever-new input (a post's text) does not make it new.
 */
const estimates = new WeakMap<DocumentNode, WeakMap<GraphQLSchema, Map<string, Estimate>>>();

/**
 * The variables a document's cost can depend on, sorted: the estimators read only page sizes
 * (`first`), and the walk skips fields that @include/@skip (`if`) leave out.
 */
const costVariables = new WeakMap<DocumentNode, string[]>();

function costVariablesOf(document: DocumentNode): string[] {
  let names = costVariables.get(document);
  if (!names) {
    const found = new Set<string>();
    visit(document, {
      Argument(node) {
        if (
          (node.name.value === 'first' || node.name.value === 'if') &&
          node.value.kind === Kind.VARIABLE
        )
          found.add(node.value.name.value);
      },
    });
    names = [...found].sort();
    costVariables.set(document, names);
  }
  return names;
}

function estimate(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  variables: Record<string, unknown>,
): Estimate {
  let bySchema = estimates.get(document);
  if (!bySchema) {
    bySchema = new WeakMap();
    estimates.set(document, bySchema);
  }
  let known = bySchema.get(schema);
  if (!known) {
    known = new Map();
    bySchema.set(schema, known);
  }
  const key = JSON.stringify([
    operationName ?? null,
    costVariablesOf(document).map((name) => variables[name] ?? null),
  ]);
  let found = known.get(key);
  if (found === undefined) {
    try {
      found = getComplexity({
        schema,
        query: document,
        operationName,
        variables,
        estimators,
        maxQueryNodes: MAX_ESTIMATED_FIELDS,
      });
    } catch (error) {
      found = { reason: error instanceof Error ? error.message : String(error) };
    }
    if (known.size < MAX_ESTIMATES_PER_DOCUMENT && key.length <= MAX_REMEMBERED_KEY_LENGTH) {
      known.set(key, found);
    }
  }
  return found;
}

/**
 * BAD_USER_INPUT when the operation would cost more than `maxCost`, or when its cost cannot be
 * computed: a limit that cannot be checked refuses. Call it with variables that fit their types
 * (see OperationLimits.inputErrors).
 */
export function operationCostError(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  maxCost: number,
): GraphQLError | undefined {
  const cost = estimate(schema, document, operationName ?? undefined, variables ?? {});
  if (typeof cost !== 'number') {
    return refused(
      `The cost of the operation could not be computed (${cost.reason}), so it is refused. Ask for fewer fields or fragments.`,
      { maxCost },
    );
  }
  if (!Number.isFinite(cost)) {
    return refused(`The operation's cost is beyond measure; the limit is ${maxCost}.`, { maxCost });
  }
  if (cost <= maxCost) return undefined;
  return refused(
    `The operation would cost ${cost} points; the limit is ${maxCost}. Ask for smaller pages or fewer nested lists.`,
    { cost, maxCost },
  );
}
