import * as z from 'zod/mini';
import { slug } from './api-schemas';

/** `/cycles/{cycleId}/units/{unitId}/inspection/{windowId}/…`: the unit's inspection in one window. */
export const inspectionWindowParams = z.strictObject({ cycleId: slug, unitId: slug, windowId: slug });
