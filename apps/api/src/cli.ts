import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { DataSource } from 'typeorm';
import { AccountsService } from '@app/accounts';
import { printSortedSchema, Role } from '@app/common';
import { AppConfig, ConfigError, loadConfig, StartupError } from '@app/config';
import { RunningDatabase, startEmbeddedPostgres } from '@app/database';
import { createApp } from './create-app';

const USAGE = `Usage: npm run cli -- <command>
  migrate                      run pending migrations (the service also runs them at start)
  set-role <handle> <ROLE>     give an account MEMBER, PARTNER or ADMIN (the first admin comes from here)
  emit-schema [file]           write the sorted GraphQL SDL (default apps/api/schema.gql)
  check-migrations             fail when the entities and the migrations disagree`;

async function withApp<T>(
  config: AppConfig,
  work: (app: Awaited<ReturnType<typeof createApp>>) => Promise<T>,
) {
  let embedded: RunningDatabase | undefined;
  if (!config.databaseUrl) embedded = await startEmbeddedPostgres(config.dataDir, { quiet: true });
  const app = await createApp(config, { url: config.databaseUrl ?? embedded!.url });
  try {
    await app.init();
    return await work(app);
  } finally {
    await app.close();
    await embedded?.stop();
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  const config = { ...loadConfig(), nodeEnv: 'test' as const };
  switch (command) {
    case 'migrate':
      await withApp(config, () => Promise.resolve());
      console.log('Migrations are up to date.');
      return 0;
    case 'set-role': {
      const [handle, role] = args;
      if (!handle || !Object.values(Role).includes(role as Role)) {
        console.error(USAGE);
        return 2;
      }
      await withApp(config, async (app) => {
        await app.get(AccountsService).setRoleByHandle(handle, role as Role);
      });
      console.log(`@${handle} is now ${role}.`);
      return 0;
    }
    case 'emit-schema': {
      const file = resolve(args[0] ?? 'apps/api/schema.gql');
      await withApp(config, (app) => {
        writeFileSync(file, printSortedSchema(app.get(GraphQLSchemaHost).schema));
        return Promise.resolve();
      });
      console.log(`Wrote ${file}`);
      return 0;
    }
    case 'check-migrations': {
      const pending = await withApp(config, async (app) => {
        const sql = await app.get(DataSource).driver.createSchemaBuilder().log();
        return sql.upQueries.map((query) => query.query);
      });
      if (pending.length > 0) {
        console.error('The entities and the migrations disagree. A migration would need:');
        for (const query of pending) console.error(`  ${query};`);
        return 1;
      }
      console.log('Entities and migrations agree.');
      return 0;
    }
    default:
      console.error(USAGE);
      return command ? 2 : 0;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const plain = error instanceof StartupError || error instanceof ConfigError;
    console.error(plain ? error.message : error);
    process.exit(1);
  },
);
