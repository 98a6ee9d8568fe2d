/** Who records an action from the CLI: `--by NAME`, else the login name (audit fields of exemptions, leaves, …). */
import { userInfo } from 'node:os';

export function actorName(by: string | undefined): string {
  if (by !== undefined) return by;
  try {
    return userInfo().username || 'cli';
  } catch {
    return 'cli';
  }
}
