/**
 * The PostgreSQL on this machine that backends started by `startBackend` use (127.0.0.1:5432,
 * user `postgres`, as `scripts/test.sh` starts it): which databases a backend created, which server
 * processes serve them, and dropping them again.
 */
import { Client } from 'pg';

function client(database = 'postgres') {
  return new Client({
    host: '127.0.0.1',
    port: 5432,
    user: 'postgres',
    database,
  });
}

export async function databasesWithPrefix(prefix: string): Promise<string[]> {
  const pg = client();
  await pg.connect();
  try {
    const { rows } = await pg.query(
      'SELECT datname FROM pg_database WHERE datname LIKE $1',
      [`${prefix}%`],
    );
    return rows.map(r => r.datname as string);
  } finally {
    await pg.end();
  }
}

/** The server processes serving connections to these databases (for their CPU time). */
export async function backendPidsOf(databases: string[]): Promise<number[]> {
  const pg = client();
  await pg.connect();
  try {
    const { rows } = await pg.query(
      'SELECT pid FROM pg_stat_activity WHERE datname = ANY($1)',
      [databases],
    );
    return rows.map(r => r.pid as number);
  } finally {
    await pg.end();
  }
}

/** Drops what a test backend created, so repeated runs leave the server as they found it. */
export async function dropDatabasesWithPrefix(prefix: string): Promise<void> {
  const pg = client();
  await pg.connect();
  try {
    for (const name of await databasesWithPrefix(prefix)) {
      await pg.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
  } finally {
    await pg.end();
  }
}
