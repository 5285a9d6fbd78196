/** Pieces every read view shares: an instant in its Beijing forms, a unit as the views name it. */
import type { Unit } from '../plan/schema';
import { formatBeijing } from '../time';

/**
 * An instant in its three Beijing forms. A dashboard page formats the same deadlines for every unit: the
 * forms are kept (pure, a few thousand distinct instants a cycle) rather than formatted again per row.
 */
const formatted = new Map<string, { iso: string; beijing: string; zh: string; en: string }>();
export const beijing = (iso: string) => {
  let f = formatted.get(iso);
  if (!f) {
    if (formatted.size >= 20_000) formatted.clear();
    f = { iso, beijing: formatBeijing(iso, 'iso'), zh: formatBeijing(iso, 'datetime', 'zh'), en: formatBeijing(iso, 'datetime', 'en') };
    formatted.set(iso, f);
  }
  return { ...f };
};

export const unitInfo = (u: Unit) => ({ unitId: u.id, name: u.name, nameEn: u.nameEn ?? null });
