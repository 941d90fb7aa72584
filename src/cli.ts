import { parseArgs } from 'node:util';
import { createLogger, loadConfigOrExit, openMigratedDatabase } from './bootstrap.js';
import { openDatabase } from './db/index.js';
import { createMigrator } from './db/migrator.js';
import { UsersRepository } from './modules/auth/auth.repository.js';
import { RegisterBodySchema } from './modules/auth/auth.schemas.js';
import { AuthService } from './modules/auth/auth.service.js';
import { TokenService } from './modules/auth/tokens.js';

const USAGE = `Usage: npm run cli -- <command> [options]

Commands:
  migrate                         apply pending migrations
  migrate:down [--to NAME|0]      revert the last migration (or down to NAME; 0 reverts all)
  migrate:status                  list applied and pending migrations
  user:create --username U --email E --password P [--full-name N] [--admin]
                                  create an account (use --admin for an administrator)
  user:role --email E --role admin|user
                                  change an account's role`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    to: { type: 'string' },
    username: { type: 'string' },
    email: { type: 'string' },
    password: { type: 'string' },
    'full-name': { type: 'string' },
    admin: { type: 'boolean', default: false },
    role: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

const command = positionals[0];
if (!command || values.help) {
  console.log(USAGE);
  process.exit(command ? 0 : 1);
}

const config = await loadConfigOrExit();
const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);

async function run(): Promise<void> {
  switch (command) {
    case 'migrate': {
      const db = await openMigratedDatabase(config, logger);
      console.log('Database is up to date.');
      await db.sequelize.close();
      return;
    }
    case 'migrate:down':
    case 'migrate:status': {
      const db = openDatabase(config.database, logger);
      const migrator = createMigrator(db.sequelize);
      if (command === 'migrate:status') {
        for (const m of await migrator.executed()) console.log(`applied  ${m.name}`);
        for (const m of await migrator.pending()) console.log(`pending  ${m.name}`);
      } else {
        const reverted =
          values.to === '0'
            ? await migrator.down({ to: 0 })
            : await migrator.down(values.to ? { to: values.to } : {});
        console.log(
          reverted.length
            ? `Reverted: ${reverted.map((m) => m.name).join(', ')}`
            : 'Nothing to revert.',
        );
      }
      await db.sequelize.close();
      return;
    }
    case 'user:create': {
      const input = RegisterBodySchema.safeParse({
        username: values.username,
        email: values.email,
        password: values.password,
        full_name: values['full-name'],
      });
      if (!input.success)
        throw new Error(
          input.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n'),
        );
      const db = await openMigratedDatabase(config, logger);
      const auth = new AuthService(
        new UsersRepository(db),
        new TokenService(config.jwt.secret, config.jwt.expiresInSeconds),
      );
      const session = await auth.register(input.data, values.admin ? 'admin' : 'user');
      console.log(`Created ${session.user.role} ${session.user.username} (id ${session.user.id}).`);
      await db.sequelize.close();
      return;
    }
    case 'user:role': {
      if (!values.email || (values.role !== 'admin' && values.role !== 'user')) {
        throw new Error('user:role needs --email and --role admin|user');
      }
      const db = await openMigratedDatabase(config, logger);
      const users = new UsersRepository(db);
      const user = await users.findByEmail(values.email);
      if (!user) throw new Error(`No account with email ${values.email}`);
      await users.update(user.id, { role: values.role });
      console.log(
        `${user.username} is now ${values.role}. Tokens issued before keep their old role until they expire.`,
      );
      await db.sequelize.close();
      return;
    }
    default:
      console.error(`Unknown command "${command}".\n\n${USAGE}`);
      process.exit(1);
  }
}

try {
  await run();
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
