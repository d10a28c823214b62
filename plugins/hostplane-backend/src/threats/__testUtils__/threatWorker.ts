/**
 * The audit webhook receiver and threat detection in a process of their own, as the backend runs
 * them, for the crash-safety test to kill at any moment:
 * `threatWorker.ts <knex config, JSON> <port>`.
 * It migrates the database, starts detection from what the database holds, serves the receiver
 * on 127.0.0.1:<port> and prints `LISTENING` once posts are taken. It runs until it is killed.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import express from 'express';
import knexFactory from 'knex';
import { migrationsDirectory } from '../../database/migrations';
import { ThreatDetection, readThreatSettings } from '../ThreatDetection';

function consoleLogger(): LoggerService {
  const write = (level: string) => (message: string) =>
    process.stdout.write(`${level} ${message}\n`);
  const logger: LoggerService = {
    error: write('error'),
    warn: write('warn'),
    info: write('info'),
    debug: () => {},
    child: () => logger,
  };
  return logger;
}

async function main() {
  const [knexConfig, port] = process.argv.slice(2);
  const db = knexFactory(JSON.parse(knexConfig));
  await db.migrate.latest({ directory: migrationsDirectory });
  const logger = consoleLogger();
  const threats = await ThreatDetection.create({
    settings: readThreatSettings(mockServices.rootConfig({ data: {} })),
    db,
    logger,
  });
  await threats.start();
  const app = express().use(threats.receiver());
  app.listen(Number(port), '127.0.0.1', () => {
    process.stdout.write('LISTENING\n');
  });
}

main().catch(error => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
