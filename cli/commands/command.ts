/** How a command describes itself to the parser and the usage text. */
import type { CommandContext } from '../context';

export interface OptionSpec {
  type: 'string' | 'boolean';
}

export interface CommandSpec {
  /** One or two words: `status`, `dlq list`. */
  name: string;
  /** Arguments as the usage shows them. */
  args: string;
  summary: string;
  /** How many positional arguments it takes (default 0). */
  positionals?: number;
  options?: Record<string, OptionSpec>;
  run(ctx: CommandContext): Promise<void>;
}
