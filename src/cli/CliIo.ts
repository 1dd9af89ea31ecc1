/** Where the CLI writes: the process's stdout and stderr, or a test's buffers. */
export interface CliIo {
  /** Writes `text` and a newline to standard output. */
  readonly out: (text: string) => void;
  /** Writes `text` and a newline to standard error. */
  readonly err: (text: string) => void;
  /**
   * Overwrites one transient status line of a long run (`lambdasim demo`); given only when stderr
   * is a terminal, so logs and pipes never see it.
   */
  readonly progress?: (text: string) => void;
}
