import { DataSource, EntityManager } from 'typeorm';

/** Every relation an EXPLAIN (FORMAT JSON) plan scans. */
export function scannedRelations(plan: unknown): string[] {
  const found = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (typeof record['Relation Name'] === 'string') found.add(record['Relation Name']);
      Object.values(record).forEach(walk);
    }
  };
  walk(plan);
  return [...found].sort();
}

/**
 * An EntityManager stand-in that plans every statement (EXPLAIN) before running it, recording the
 * prediction_logs relations each plan scans: what partition-pruning tests assert on.
 */
export function partitionRecorder(dataSource: DataSource): { manager: EntityManager; plans: string[][] } {
  const plans: string[][] = [];
  const manager = {
    query: async (sql: string, params: unknown[] = []) => {
      const [{ 'QUERY PLAN': plan }] = await dataSource.query(`EXPLAIN (FORMAT JSON) ${sql}`, params);
      plans.push(scannedRelations(plan).filter((r) => r.startsWith('prediction_logs')));
      return dataSource.query(sql, params);
    },
  } as unknown as EntityManager;
  return { manager, plans };
}
