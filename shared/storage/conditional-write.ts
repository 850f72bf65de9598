/**
 * The optimistic write several stores share: insert a row that should not exist yet, or replace the one read with
 * its ETag (If-Match). False when another writer got there first (409 on the insert, 412 on the replace), so the
 * caller decides again from what is stored; any other failure is thrown.
 */
import type { TableClient, TableEntity } from '@azure/data-tables';

const statusOf = (error: unknown) => (error as { statusCode?: number }).statusCode;

export async function insertOrReplaceIfMatch(table: TableClient, entity: TableEntity, etag: string | undefined): Promise<boolean> {
  try {
    if (etag === undefined) await table.createEntity(entity);
    else await table.updateEntity(entity, 'Replace', { etag });
    return true;
  } catch (error) {
    if (statusOf(error) === 409 || statusOf(error) === 412) return false;
    throw error;
  }
}
