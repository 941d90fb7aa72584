/**
 * Group commit: items submitted while a group is being written wait and go together in the
 * next one. An item arriving when nothing is in flight is written at once, so a lone writer
 * waits for nobody, and under load groups grow by themselves — one statement and one commit
 * for many rows instead of one each.
 */
export class GroupCommit<In, Out> {
  private pending: Array<{
    item: In;
    resolve: (out: Out) => void;
    reject: (err: unknown) => void;
  }> = [];
  private draining = false;

  /**
   * `flush` writes a group and answers one result per item, in the items' order; if it
   * throws, every item of the group is rejected with that error.
   */
  constructor(
    private readonly flush: (items: In[]) => Promise<Out[]>,
    private readonly maxGroup = 64,
  ) {}

  submit(item: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.pending.length > 0) {
        const group = this.pending.splice(0, this.maxGroup);
        try {
          const results = await this.flush(group.map((entry) => entry.item));
          group.forEach((entry, i) => entry.resolve(results[i]!));
        } catch (err) {
          for (const entry of group) entry.reject(err);
        }
      }
    } finally {
      this.draining = false;
    }
  }
}
