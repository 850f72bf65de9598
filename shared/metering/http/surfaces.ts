/** The metering routes' surfaces: the metering API's error bodies (shared/http/surfaces.ts), and its batch variant. */
import { surfaces, type Surface } from '../../http/surfaces';

/** The batch endpoint's 400s name `batchUsageEventRequest` (E3), including the api-version errors of the edge. */
export const batchSurface: Surface = { ...surfaces.metering, errorTarget: 'batchUsageEventRequest' };
