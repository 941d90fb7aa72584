import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../src/lib/group-commit.js';

/** A flush that records its groups and answers when the test lets it. */
function recordingFlush() {
  const groups: number[][] = [];
  const releases: Array<() => void> = [];
  const flush = (items: number[]) => {
    groups.push([...items]);
    return new Promise<number[]>((resolve) =>
      releases.push(() => resolve(items.map((n) => n * 10))),
    );
  };
  return { groups, releases, flush };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit', () => {
  it('when nothing is in flight, then an item is flushed at once on its own', async () => {
    const { groups, releases, flush } = recordingFlush();
    const commit = new GroupCommit(flush);
    const answer = commit.submit(1);
    await tick();
    expect(groups).toEqual([[1]]);
    releases[0]!();
    await expect(answer).resolves.toBe(10);
  });

  it('when items arrive while a group is being written, then they go together in the next group, each getting its own answer', async () => {
    const { groups, releases, flush } = recordingFlush();
    const commit = new GroupCommit(flush);
    const first = commit.submit(1);
    const rest = [2, 3, 4].map((n) => commit.submit(n));
    await tick();
    expect(groups).toEqual([[1]]);
    releases[0]!();
    await first;
    await tick();
    expect(groups).toEqual([[1], [2, 3, 4]]);
    releases[1]!();
    await expect(Promise.all(rest)).resolves.toEqual([20, 30, 40]);
  });

  it('when more items wait than the group limit, then they are written in groups of at most that size', async () => {
    const groups: number[][] = [];
    const commit = new GroupCommit(async (items: number[]) => {
      groups.push(items);
      return items;
    }, 2);
    const answers = await Promise.all([1, 2, 3, 4, 5].map((n) => commit.submit(n)));
    expect(answers).toEqual([1, 2, 3, 4, 5]);
    expect(groups.every((g) => g.length <= 2)).toBe(true);
    expect(groups.flat()).toEqual([1, 2, 3, 4, 5]);
  });

  it('when a group fails, then each of its items is rejected with the error and later items are still written', async () => {
    let calls = 0;
    const commit = new GroupCommit(async (items: string[]) => {
      calls += 1;
      if (calls === 1) throw new Error('disk full');
      return items.map((s) => s.toUpperCase());
    });
    const failed = commit.submit('a');
    await expect(failed).rejects.toThrow('disk full');
    await expect(commit.submit('b')).resolves.toBe('B');
  });
});
