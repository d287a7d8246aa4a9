/**
 * For an emulator run on its own: Ctrl-C or SIGTERM closes it, then the process exits, 0 when it closed
 * cleanly and 1 when not (after `onCloseError`, if given).
 */
export function stopOnSignals(
  emulator: { close(): Promise<void> },
  onCloseError?: (error: unknown) => void,
): void {
  const stop = (): void => {
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        onCloseError?.(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
