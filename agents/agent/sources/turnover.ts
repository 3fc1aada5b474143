/**
 * Lines are lost when rotation deletes a file the agent never opened: created, written, rotated
 * down the chain and deleted between two scans (e.g. `rotate 100` at 200 rotations/s and a 0.5 s
 * stall). Nothing on disk records such a file, so the agent cannot count what it lost; it can only
 * see that the chain turned over completely between two scans, and say data may have been lost.
 *
 * Rule: since the previous scan, at least one listed file is gone and a new one appeared, and no
 * file of the previous listing continued under another name (renamed down the chain, or a
 * truncated file's copy recognised). With continuity, every file born after the previous scan is
 * younger than a survivor, so rotation (which deletes the oldest first) cannot have deleted it.
 * A single-file listing says nothing (nothing rotated is visible), so it never raises.
 */
export class TurnoverWatch {
  private prev = new Map<string, string>();
  private seen = new Map<string, string>();
  private linked = false;

  /** A listing made during this scan (id: dev:ino). */
  saw(files: ReadonlyArray<{ id: string; path: string }>): void {
    for (const f of files) {
      const before = this.prev.get(f.id);
      // Of two names seen for one file during a racing scan, keep the one that shows a move.
      if (!this.seen.has(f.id) || (before !== undefined && f.path !== before)) this.seen.set(f.id, f.path);
    }
  }

  /** A truncated file's copy was recognised (copytruncate): the chain continued. */
  continued(): void {
    this.linked = true;
  }

  /** End of a scan: the number of previously listed files now gone, when the chain turned over; else null. */
  end(): { gone: number; listed: number } | null {
    const prev = this.prev;
    const seen = this.seen;
    let gone = 0;
    let moved = false;
    for (const [id, path] of prev) {
      const now = seen.get(id);
      if (now === undefined) gone++;
      else if (now !== path) moved = true;
    }
    let fresh = false;
    for (const id of seen.keys()) if (!prev.has(id)) fresh = true;
    const turned = prev.size >= 2 && gone > 0 && fresh && !moved && !this.linked;
    this.prev = seen;
    this.seen = new Map();
    this.linked = false;
    return turned ? { gone, listed: prev.size } : null;
  }
}
