import type { Command } from 'commander';
export function registerPreview(_program: Command): void {}
