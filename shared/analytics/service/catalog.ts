/**
 * The Get all datasets API (seed 004 ~21697): every dataset, or the one `datasetName` names (404 when none does).
 */
import { NotFoundError } from '../../errors';
import type { DatasetDefinition } from '../model';
import { DATASETS, findDataset } from '../rules/datasets';

export function listDatasets(datasetName?: string): DatasetDefinition[] {
  if (datasetName === undefined) return [...DATASETS];
  const found = findDataset(datasetName);
  if (!found) throw new NotFoundError(`No dataset is named '${datasetName}'.`, 'DatasetNotFound');
  return [found];
}
