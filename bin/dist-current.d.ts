/** The compiled CLI and its bundle (paths). */
export const compiled: string;
export const bundled: string;
/** Whether dist/.build-stamp is at least as new as every file under src/ (and the compiled CLI exists). */
export function distIsCurrent(): boolean;
