import { readFileSync } from 'node:fs';
import * as ts from 'typescript';
import { repositorySources, sourceFiles } from '@app/testing/source-files';

/**
 * The repository rules that a type checker cannot see (docs/architecture.md, "Repositories"):
 * a repository touches only its own library's tables, and every public repository method is in
 * the SQL snapshot. ESLint keeps SQL out of everything but repositories.
 */

const root = process.cwd();

function parse(path: string): ts.SourceFile {
  return ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.ES2022, true);
}

function walk(node: ts.Node, visit: (node: ts.Node) => void): void {
  visit(node);
  ts.forEachChild(node, (child) => walk(child, visit));
}

/** `libs/posts/src/…` → `posts`. */
function unitOf(path: string): string {
  return path.split('/')[1];
}

function decoratorCall(node: ts.Node, name: string): ts.CallExpression | undefined {
  return ts
    .getDecorators(node as ts.HasDecorators)
    ?.map((decorator) => decorator.expression)
    .find(
      (expression): expression is ts.CallExpression =>
        ts.isCallExpression(expression) &&
        ts.isIdentifier(expression.expression) &&
        expression.expression.text === name,
    );
}

interface OwnedEntity {
  table: string;
  className: string;
  library: string;
}

/** Every `@Entity('table')` class: a table belongs to the library that declares its entity. */
function entities(): OwnedEntity[] {
  return sourceFiles(root, '.ts')
    .filter((path) => path.startsWith('libs/'))
    .flatMap((path) => {
      const found: OwnedEntity[] = [];
      walk(parse(path), (node) => {
        if (!ts.isClassDeclaration(node) || !node.name) return;
        const table = decoratorCall(node, 'Entity')?.arguments[0];
        if (table && ts.isStringLiteral(table))
          found.push({ table: table.text, className: node.name.text, library: unitOf(path) });
      });
      return found;
    });
}

/** The text of every string and template literal, `${…}` left out. */
function literalText(file: ts.SourceFile): string[] {
  const texts: string[] = [];
  walk(file, (node) => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) texts.push(node.text);
    if (ts.isTemplateExpression(node))
      texts.push(
        [node.head.text, ...node.templateSpans.map((span) => span.literal.text)].join(' '),
      );
  });
  return texts;
}

/** Tables an SQL text reads or writes. */
function tablesNamed(sql: string): string[] {
  return [...sql.matchAll(/\b(?:from|join|into|update|table|using)\s+(?:only\s+)?"?(\w+)/gi)].map(
    (match) => match[1],
  );
}

/** Identifiers used as values (a TypeORM call on an entity class), not as types or imports. */
function valueIdentifiers(file: ts.SourceFile): string[] {
  const names: string[] = [];
  walk(file, (node) => {
    if (!ts.isIdentifier(node)) return;
    for (let up: ts.Node = node.parent; up; up = up.parent) {
      if (ts.isTypeNode(up) || ts.isImportDeclaration(up) || ts.isExportDeclaration(up)) return;
      if (ts.isStatement(up) || ts.isClassElement(up)) break;
    }
    names.push(node.text);
  });
  return names;
}

describe('repositories', () => {
  const owned = entities();
  const tableOwner = new Map(owned.map((entity) => [entity.table, entity.library]));
  const classOwner = new Map(owned.map((entity) => [entity.className, entity.library]));
  const repositories = repositorySources(root);

  it('learn the owner of every table from its entity', () => {
    expect(tableOwner.get('users')).toBe('accounts');
    expect(tableOwner.get('posts')).toBe('posts');
    expect(tableOwner.get('blocks')).toBe('graph');
  });

  it("name no other library's table in their SQL, nor use its entities", () => {
    const violations = repositories.flatMap(({ path }) => {
      const library = unitOf(path);
      const file = parse(path);
      const tables = literalText(file)
        .flatMap(tablesNamed)
        .filter((table) => tableOwner.has(table) && tableOwner.get(table) !== library)
        .map((table) => `${path} names ${table} (owned by ${tableOwner.get(table)})`);
      const entityUses = valueIdentifiers(file)
        .filter((name) => classOwner.has(name) && classOwner.get(name) !== library)
        .map((name) => `${path} uses ${name} (owned by ${classOwner.get(name)})`);
      return [...new Set([...tables, ...entityUses])];
    });
    expect(violations).toEqual([]);
  });

  it('mark every public method with @GenerateSql, so the SQL snapshot calls it', () => {
    const unmarked = repositories.flatMap(({ path }) => {
      const found: string[] = [];
      walk(parse(path), (node) => {
        if (!ts.isClassDeclaration(node) || !node.name?.text.endsWith('Repository')) return;
        for (const member of node.members) {
          if (!ts.isMethodDeclaration(member) && !ts.isPropertyDeclaration(member)) continue;
          const hidden = ts
            .getModifiers(member)
            ?.some((modifier) =>
              [
                ts.SyntaxKind.PrivateKeyword,
                ts.SyntaxKind.ProtectedKeyword,
                ts.SyntaxKind.StaticKeyword,
              ].includes(modifier.kind),
            );
          if (hidden || ts.isPrivateIdentifier(member.name)) continue;
          if (ts.isPropertyDeclaration(member)) {
            found.push(`${path}: ${node.name.text}.${member.name.getText()} is a public property`);
          } else if (!decoratorCall(member, 'GenerateSql')) {
            found.push(`${path}: ${node.name.text}.${member.name.getText()}`);
          }
        }
      });
      return found;
    });
    expect(unmarked).toEqual([]);
  });

  it('live in *.repository.ts files', () => {
    const misplaced = sourceFiles(root, '.ts')
      .filter((path) => !path.endsWith('.repository.ts'))
      .filter((path) => /\bclass\s+\w+Repository\b/.test(readFileSync(path, 'utf8')));
    expect(misplaced).toEqual([]);
  });
});

describe('field resolvers', () => {
  it("take GraphQL's own (parent, args, context) unless they read @Args, so Nest calls them directly", () => {
    // A @ResolveField method with no parameter decorators is bound as it is (@nestjs/graphql's
    // fast path); one with @Parent or @Context goes through Nest's per-call parameter pipeline,
    // several promises for every item of every list.
    const decorated = sourceFiles(root, '.ts')
      .filter((path) => path.startsWith('libs/') && path.endsWith('.resolver.ts'))
      .flatMap((path) => {
        const found: string[] = [];
        walk(parse(path), (node) => {
          if (!ts.isMethodDeclaration(node) || !decoratorCall(node, 'ResolveField')) return;
          const decorators = node.parameters.flatMap((parameter) =>
            (ts.getDecorators(parameter) ?? []).map((decorator) => decorator.expression.getText()),
          );
          if (decorators.length > 0 && !decorators.some((text) => text.startsWith('Args(')))
            found.push(`${path}: ${node.name.getText()}(${decorators.join(', ')})`);
        });
        return found;
      });
    expect(decorated).toEqual([]);
  });
});
