import * as z from 'zod/mini';
import { defineRoute } from '../_shared/api-handler';
import { slug } from '../_shared/api-schemas';
import { inspectionOverviewResponse } from '../_shared/inspection-schemas';

export const route = defineRoute('list-inspections', { params: z.strictObject({ cycleId: slug }), response: inspectionOverviewResponse });
