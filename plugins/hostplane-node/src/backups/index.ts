export * from './BackupStore';
export * from './config';
export * from './metadata';
