import { readFileSync } from 'node:fs';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { printSortedSchema } from '@app/common';
import { TestApp } from '@app/testing';

describe('the service', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.close());

  it('answers /health with 200 once the database is migrated', async () => {
    const response = await fetch(`${t.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('emits the committed schema (run `npm run schema:emit` after changing the API)', () => {
    const emitted = printSortedSchema(t.app.get(GraphQLSchemaHost).schema);
    expect(readFileSync('apps/api/schema.gql', 'utf8')).toBe(emitted);
  });
});
