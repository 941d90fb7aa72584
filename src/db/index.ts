import type { Sequelize } from 'sequelize';
import type { Config } from '../config/index.js';
import type { Logger } from '../lib/logger.js';
import { defineModels, type Models } from './models/index.js';
import { createSequelize } from './sequelize.js';

/** The database handle passed to repositories: the connection and its models. */
export interface Database {
  sequelize: Sequelize;
  models: Models;
  dialect: 'sqlite' | 'postgres' | 'mysql';
}

export function openDatabase(db: Config['database'], logger?: Logger): Database {
  const sequelize = createSequelize(db, logger);
  return { sequelize, models: defineModels(sequelize), dialect: db.dialect };
}
