/**
 * 上报确认's part of the DynamoDB repository (the running office signs off the qualifying list), kept apart from
 * ./repository.ts, which spreads these methods into the CycleRepository it builds.
 *
 * Items (keys from ./keys.ts), in the cycle's partition:
 * - `CYCLE#c` / `FORWARDING#CONFIRMATION`: the confirmation, a conditional put (the first wins, never overwritten);
 * - `CYCLE#c` / `FORWARDING#TOKEN`: the YearlyCycle's waiting task token, replaced by each new wait;
 * - `CYCLE#c` / `FORWARDING`: the forwarding record (written by recordForwarding), read back here.
 */
import type { ConfirmationWait, ForwardingRecord, ListConfirmation } from '../../model';
import type { CycleRepository } from '../../ports';
import { ENTITY, keys, type ItemKey } from './keys';
import { strip } from './item';

type Item = Record<string, unknown>;
type SignoffMethods = Pick<
  CycleRepository,
  'recordListConfirmation' | 'getListConfirmation' | 'putConfirmationWait' | 'getConfirmationWait' | 'getForwarding'
>;

export interface SignoffStoreDeps {
  /** A strongly consistent GetItem. */
  get(key: ItemKey): Promise<Item | undefined>;
  /** A conditional put (attribute_not_exists(PK)); false when the item is there already. */
  putIfAbsent(item: Item): Promise<boolean>;
  /** An unconditional put. */
  put(item: Item): Promise<void>;
}

export function makeSignoffMethods(d: SignoffStoreDeps): SignoffMethods {
  return {
    async recordListConfirmation(confirmation) {
      const key = keys.listConfirmation(confirmation.cycleId);
      if (await d.putIfAbsent({ ...confirmation, ...key, entityType: ENTITY.listConfirmation })) return { recorded: true, confirmation: { ...confirmation } };
      return { recorded: false, confirmation: strip<ListConfirmation>(await d.get(key))! };
    },
    async getListConfirmation(cycleId) {
      return strip<ListConfirmation>(await d.get(keys.listConfirmation(cycleId)));
    },
    async putConfirmationWait(wait) {
      await d.put({ ...wait, ...keys.confirmationWait(wait.cycleId), entityType: ENTITY.confirmationWait });
    },
    async getConfirmationWait(cycleId) {
      return strip<ConfirmationWait>(await d.get(keys.confirmationWait(cycleId)));
    },
    async getForwarding(cycleId) {
      return strip<ForwardingRecord>(await d.get(keys.forwarding(cycleId)));
    },
  };
}
