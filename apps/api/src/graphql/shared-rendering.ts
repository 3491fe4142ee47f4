import {
  BREAK,
  createSourceEventStream,
  execute,
  ExecutionArgs,
  ExecutionResult,
  GraphQLObjectType,
  GraphQLSchema,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import { Context, ServerOptions } from 'graphql-ws';
import type { WebSocket } from 'ws';
import {
  RECIPIENT_VALUE,
  RequestContext,
  RequestLoaders,
  SharedEvent,
  SharedRecipient,
  VIEWER_INDEPENDENT,
} from '@app/common';

const RECIPIENT_VALUE_JSON = JSON.stringify(RECIPIENT_VALUE);

/** The schema extension of a field without a resolver of its own: it reads its parent. */
const READS_PARENT = 'readsParent';

/**
 * Marks the fields without a resolver of their own (@nestjs/graphql gives each the same property
 * reader), before Apollo wraps every field's resolver and hides which is which. Should the reader
 * change, no field is marked and every one counts as per-viewer: slower, never wrong.
 */
export function markParentReaders(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!(type instanceof GraphQLObjectType) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.resolve?.name === 'rootFieldResolver') {
        field.extensions = { ...field.extensions, [READS_PARENT]: true };
      }
    }
  }
  return schema;
}

/**
 * Whether every field the operation selects below its subscription field is the same for every
 * viewer: a field without a resolver of its own (it reads its parent), `__typename`, or one marked
 * ViewerIndependent. Every fragment in the document counts, used or not.
 */
function selectsViewerIndependentOnly(args: ExecutionArgs): boolean {
  const root = args.schema.getSubscriptionType();
  const typeInfo = new TypeInfo(args.schema);
  let independent = true;
  visit(
    args.document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        if (typeInfo.getParentType() === root || node.name.value === '__typename') return;
        const field = typeInfo.getFieldDef();
        if (!field || !(field.extensions[READS_PARENT] || field.extensions[VIEWER_INDEPENDENT])) {
          independent = false;
          return BREAK;
        }
        return undefined;
      },
    }),
  );
  return independent;
}

/**
 * What a shared rendering is kept under: the same text, operation and variables. Every document
 * here was parsed by OperationDocuments, with its location.
 */
function operationKey(args: ExecutionArgs): string {
  const text = args.document.loc!.source.body;
  return `${text}\u0000${args.operationName ?? ''}\u0000${JSON.stringify(args.variableValues ?? {})}`;
}

function sharedRecipient(event: unknown): Required<SharedRecipient> | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const { shared, recipientValue } = event as SharedRecipient;
  return shared && recipientValue !== undefined ? { shared, recipientValue } : undefined;
}

/**
 * A subscription's results. An event shared by many recipients (SharedEvent), for an operation
 * that selects no per-viewer field, is executed and serialized once for all of them and written to
 * the socket as text with this recipient's value spliced in; anything else is executed for this
 * subscription alone and handed to graphql-ws, as graphql-js's `subscribe` does.
 */
class RenderingStream implements AsyncIterableIterator<ExecutionResult> {
  private readonly iterator: AsyncIterator<unknown>;
  /** Null when the operation selects a per-viewer field; found at its first shared event. */
  private key?: string | null;
  private writer?: { socket: WebSocket; prefix: string; open: () => boolean };

  constructor(
    private readonly args: ExecutionArgs,
    source: AsyncIterable<unknown>,
  ) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  /** Where pre-rendered `next` messages go: the operation's socket, while the operation runs. */
  attach(socket: WebSocket, id: string, open: () => boolean): void {
    this.writer = { socket, prefix: `{"id":${JSON.stringify(id)},"type":"next","payload":`, open };
  }

  async next(): Promise<IteratorResult<ExecutionResult>> {
    for (;;) {
      const step = await this.iterator.next();
      if (step.done) return { done: true, value: undefined };
      try {
        const payload = await this.prerendered(step.value);
        if (payload === undefined) {
          const result = await execute({ ...this.args, rootValue: step.value });
          return { done: false, value: result };
        }
        await this.write(payload);
      } catch (error) {
        await this.returnIgnoringErrors();
        throw error;
      }
    }
  }

  async return(): Promise<IteratorResult<ExecutionResult>> {
    await this.iterator.return?.();
    return { done: true, value: undefined };
  }

  async throw(error?: unknown): Promise<IteratorResult<ExecutionResult>> {
    await this.returnIgnoringErrors();
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private async returnIgnoringErrors(): Promise<void> {
    try {
      await this.iterator.return?.();
    } catch {
      // The original error is the one to report.
    }
  }

  /** The `next` payload's text for this recipient, when the event's rendering can be shared. */
  private async prerendered(event: unknown): Promise<string | undefined> {
    const recipient = sharedRecipient(event);
    if (!recipient || !this.writer) return undefined;
    if (this.key === undefined) {
      this.key = selectsViewerIndependentOnly(this.args) ? operationKey(this.args) : null;
    }
    if (this.key === null) return undefined;
    const { shared, recipientValue } = recipient;
    let rendering = shared.renderings.get(this.key);
    if (!rendering) {
      rendering = this.render(shared);
      shared.renderings.set(this.key, rendering);
    }
    const parts = await rendering;
    return parts && `{"data":${parts.join(JSON.stringify(recipientValue))}}`;
  }

  /**
   * Executes the operation on the event's template as no one in particular, and serializes it
   * split where the recipients' values go. A result with errors is not shared: each recipient
   * then executes its own, and gets its errors as it would have.
   */
  private async render(shared: SharedEvent): Promise<string[] | undefined> {
    const own = this.args.contextValue as RequestContext;
    const contextValue: RequestContext = {
      viewer: undefined,
      loaders: new RequestLoaders(undefined),
      ip: own.ip,
    };
    const result = await execute({ ...this.args, rootValue: shared.template, contextValue });
    if (result.errors || !result.data) return undefined;
    return JSON.stringify(result.data).split(RECIPIENT_VALUE_JSON);
  }

  /** Writes one `next` message as graphql-ws would, unless the client completed the operation. */
  private write(payload: string): Promise<void> {
    const { socket, prefix, open } = this.writer!;
    return new Promise((resolve, reject) => {
      if (!open() || socket.readyState !== socket.OPEN) return resolve();
      socket.send(`${prefix}${payload}}`, (error) => (error ? reject(error) : resolve()));
    });
  }
}

/**
 * graphql-ws hooks that render a pushed event once for all its recipients: `subscribe` maps the
 * event stream itself, and `onOperation` gives the stream its socket and operation id.
 */
export function sharedRenderingOptions(): Pick<ServerOptions, 'subscribe' | 'onOperation'> {
  return {
    subscribe: async (args: ExecutionArgs) => {
      const source = await createSourceEventStream(args);
      return Symbol.asyncIterator in source ? new RenderingStream(args, source) : source;
    },
    onOperation: (ctx: Context, id, _payload, _args, result) => {
      if (result instanceof RenderingStream) {
        const { socket } = ctx.extra as { socket: WebSocket };
        result.attach(socket, id, () => id in ctx.subscriptions);
      }
    },
  };
}
