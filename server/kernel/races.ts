// Two people saving the same thing at the same moment: on PostgreSQL their transactions run side by side, so a
// transaction that finds a row changed under it (a conditional update that matched nothing, a unique key someone
// else took first) gives up and runs again on what the other committed. Then it decides as if it had come second:
// a conflict shown to the user, a key already used, a day already reported.
import { isTransactionConflict, isUniqueViolation } from '../../db/sql.ts';

/** Thrown inside a transaction whose rows someone else changed since it read them: it rolls back and runs again. */
export class RaceLost extends Error {
  constructor(what = 'a row changed under the transaction') {
    super(what);
  }
}

/**
 * Runs `attempt` (a whole transaction) again when it lost a race: a RaceLost, a deadlock or serialization failure,
 * or a unique violation of one of `uniqueKeys` (as isUniqueViolation names them). The last attempt's error goes on.
 */
export async function retryRaces<T>(attempt: () => Promise<T>, uniqueKeys: string[] = [], attempts = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      const lost = error instanceof RaceLost || isTransactionConflict(error) || uniqueKeys.some((key) => isUniqueViolation(error, key));
      if (!lost || i >= attempts) throw error;
    }
  }
}
