import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, OperationTypeNode, parse } from 'graphql';
import { TestApp, TestSubscription } from '@app/testing';

/**
 * docs/api.md runs as written: every ```graphql block there follows an `<!-- example -->` marker
 * and runs here, in document order, on a fresh database, with the ```json block right after it as
 * its variables. Markers:
 *   <!-- example as=ana -->            Ana's token (from her signUp or signIn) signs the request
 *   <!-- example device=TV name=s -->  a subscription on a socket with the TV's deviceToken
 *   <!-- example from=v:field.path -->  variable v is taken from an earlier result or pushed event
 *                                       (a random value such as a screen code, an update's cursor);
 *                                       comma-separated for more
 *   <!-- response -->                  the last example's data contains the next ```json block
 *   <!-- response of=s -->             so does the next result of subscription `s`
 *   <!-- close s -->                   closes subscription `s`
 *   <!-- setup role=PARTNER handle=carol -->  what an operator does outside the API
 * "Contains": every key shown is there with that value; arrays match element by element; a
 * string ending in "…" matches any value that starts with the rest.
 */

type Options = Record<string, string>;
type Step =
  | { kind: 'example'; line: number; options: Options; query: string; variables: object }
  | { kind: 'response'; line: number; options: Options; expected: unknown }
  | { kind: 'close'; line: number; name: string }
  | { kind: 'setup'; line: number; options: Options };

const DOC = join(__dirname, '..', 'docs', 'api.md');

function parseOptions(text: string): Options {
  return Object.fromEntries(
    text
      .split(/\s+/)
      .filter(Boolean)
      .map((pair) => pair.split('=') as [string, string]),
  );
}

/** The markers and fenced blocks of the document, in order. */
function readSteps(markdown: string): Step[] {
  const lines = markdown.split('\n');
  const fences: { line: number; lang: string; body: string; end: number }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)$/.exec(lines[i]);
    if (!open) continue;
    const end = lines.indexOf('```', i + 1);
    fences.push({ line: i + 1, lang: open[1], body: lines.slice(i + 1, end).join('\n'), end });
    i = end;
  }
  const nextFence = (line: number) => fences.find((fence) => fence.line > line)!;
  const isBlank = (from: number, to: number) => lines.slice(from, to).every((l) => !l.trim());

  const steps: Step[] = [];
  const marked = new Set<number>();
  lines.forEach((text, index) => {
    const marker = /^<!-- (example|response|close|setup)\b(.*?)-->$/.exec(text.trim());
    if (!marker) return;
    const [, kind, rest] = marker;
    const line = index + 1;
    if (kind === 'close') steps.push({ kind, line, name: rest.trim() });
    else if (kind === 'setup') steps.push({ kind, line, options: parseOptions(rest) });
    else if (kind === 'response') {
      const fence = nextFence(line);
      steps.push({ kind, line, options: parseOptions(rest), expected: JSON.parse(fence.body) });
    } else {
      const fence = nextFence(line);
      if (fence.lang !== 'graphql')
        throw new Error(`docs/api.md:${line}: no graphql block follows`);
      marked.add(fence.line);
      const after = nextFence(fence.end + 1);
      const hasVariables = after?.lang === 'json' && isBlank(fence.end + 1, after.line - 1);
      steps.push({
        kind: 'example',
        line,
        options: parseOptions(rest),
        query: fence.body,
        variables: hasVariables ? (JSON.parse(after.body) as object) : {},
      });
    }
  });
  const unmarked = fences.filter((fence) => fence.lang === 'graphql' && !marked.has(fence.line));
  if (unmarked.length > 0) {
    throw new Error(
      `docs/api.md: graphql blocks without an example marker at lines ${unmarked.map((f) => f.line).join(', ')}`,
    );
  }
  return steps;
}

/** Where `actual` does not contain `expected`, as "path: why" lines. */
function differences(actual: unknown, expected: unknown, path = '$'): string[] {
  if (typeof expected === 'string' && expected.endsWith('…')) {
    return typeof actual === 'string' && actual.startsWith(expected.slice(0, -1))
      ? []
      : [`${path}: expected ${expected}, got ${JSON.stringify(actual)}`];
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      return [`${path}: expected ${expected.length} elements, got ${JSON.stringify(actual)}`];
    }
    return expected.flatMap((item, i) => differences(actual[i], item, `${path}[${i}]`));
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object') {
      return [`${path}: expected an object, got ${JSON.stringify(actual)}`];
    }
    return Object.entries(expected).flatMap(([key, value]) =>
      differences((actual as Record<string, unknown>)[key], value, `${path}.${key}`),
    );
  }
  return actual === expected
    ? []
    : [`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
}

describe('docs/api.md', () => {
  const steps = readSteps(readFileSync(DOC, 'utf8'));
  let app: TestApp;
  const tokens = new Map<string, string>();
  const deviceTokens = new Map<string, string>();
  const subscriptions = new Map<string, TestSubscription>();
  /** Each root field's latest result, for `from=`. */
  const results: Record<string, unknown> = {};
  let last: unknown;

  beforeAll(async () => {
    app = await TestApp.start();
  });

  afterAll(async () => {
    for (const subscription of subscriptions.values()) await subscription.close();
    await app.close();
  });

  function tokenOf(options: Options): string | undefined {
    if (options.as && !tokens.has(options.as)) throw new Error(`No token for ${options.as} yet`);
    return options.as && tokens.get(options.as);
  }

  /** The example's variables, with those named in `from=` read from earlier results. */
  function variablesOf(step: Extract<Step, { kind: 'example' }>): Record<string, unknown> {
    const variables = { ...(step.variables as Record<string, unknown>) };
    for (const source of step.options.from?.split(',') ?? []) {
      const [name, path] = source.split(':');
      variables[name] = path
        .split('.')
        .reduce<unknown>((value, key) => (value as Record<string, unknown>)[key], results);
    }
    return variables;
  }

  async function runExample(step: Extract<Step, { kind: 'example' }>): Promise<void> {
    const operation = parse(step.query).definitions[0];
    const isSubscription =
      operation.kind === Kind.OPERATION_DEFINITION &&
      operation.operation === OperationTypeNode.SUBSCRIPTION;
    if (isSubscription) {
      if (!step.options.name) throw new Error('A subscription example needs name=');
      const device = step.options.device && deviceTokens.get(step.options.device);
      const subscription = await app.subscribe(
        step.query,
        variablesOf(step),
        tokenOf(step.options),
        device ? { deviceToken: device } : {},
      );
      subscriptions.set(step.options.name, subscription);
      return;
    }
    const result = await app.gql(step.query, variablesOf(step), tokenOf(step.options));
    expect(result.errors).toBeUndefined();
    last = result.data;
    Object.assign(results, result.data);
    for (const auth of [result.data.signUp, result.data.signIn]) {
      if (auth) tokens.set(auth.user.handle, auth.token);
    }
    for (const pairing of [result.data.pairDevice, result.data.claimScreenCode]) {
      if (pairing?.deviceToken) deviceTokens.set(pairing.device.kind, pairing.deviceToken);
    }
  }

  async function runStep(step: Step): Promise<void> {
    switch (step.kind) {
      case 'example':
        return runExample(step);
      case 'response': {
        const name = step.options.of;
        const actual = name ? await subscriptions.get(name)!.nextData() : last;
        if (name) Object.assign(results, actual);
        expect(differences(actual, step.expected)).toEqual([]);
        return;
      }
      case 'close':
        await subscriptions.get(step.name)!.close();
        subscriptions.delete(step.name);
        return;
      case 'setup':
        await app.sql('UPDATE users SET role = $1 WHERE handle = $2', [
          step.options.role,
          step.options.handle,
        ]);
    }
  }

  for (const step of steps) {
    const label = step.kind === 'example' ? step.query.split('\n')[0].replace(/[({].*/, '') : '';
    it(`line ${step.line}: ${step.kind} ${label}`.trim(), () => runStep(step));
  }

  it('has no unread subscription errors', () => {
    for (const [name, subscription] of subscriptions) {
      const errors = subscription.results.flatMap((result) => result.errors ?? []);
      expect({ name, errors }).toEqual({ name, errors: [] });
    }
  });
});
