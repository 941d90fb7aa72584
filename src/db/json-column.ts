import { DataTypes, type ModelAttributeColumnOptions, type Model } from 'sequelize';

/**
 * MariaDB stores JSON as LONGTEXT, so mysql2 hands it back as a string; SQLite raw queries do
 * the same. Parsing here keeps JSON columns objects on every dialect.
 */
export function parseJsonValue(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** A JSON attribute that reads back as an object on every dialect. */
export function jsonColumn(
  name: string,
  parseStrings: boolean,
  options: Partial<ModelAttributeColumnOptions> = {},
): ModelAttributeColumnOptions {
  return {
    type: DataTypes.JSON,
    allowNull: true,
    ...options,
    ...(parseStrings
      ? {
          get(this: Model) {
            return parseJsonValue(this.getDataValue(name));
          },
        }
      : {}),
  };
}

/** DECIMAL comes back as a string from PostgreSQL; the API promises numbers. */
export function decimalColumn(
  name: string,
  precision: number,
  scale: number,
): ModelAttributeColumnOptions {
  return {
    type: DataTypes.DECIMAL(precision, scale),
    allowNull: true,
    get(this: Model) {
      const value = this.getDataValue(name) as unknown;
      return value === null || value === undefined ? null : Number(value);
    },
  };
}
