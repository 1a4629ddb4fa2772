import type { Task } from '../kernel/task.ts';

/** A cycle in the task graph as a list of tasks (first repeated at the end), or undefined. */
export function findCycle(tasks: readonly Task[], dependencies: ReadonlyMap<number, readonly number[]>): Task[] | undefined {
  const state = new Map<number, 'visiting' | 'done'>();
  const trail: number[] = [];
  // Iterative depth-first search: pipelines can be deep enough to overflow recursion.
  for (let i = 0; i < tasks.length; i += 1) {
    const root = tasks[i] as Task;
    if (state.has(root.id)) continue;
    // A task that needs nothing closes no cycle: nothing to visit (most tasks of a large plan).
    if ((dependencies.get(root.id)?.length ?? 0) === 0) continue;
    const stack: Array<{ id: number; next: number }> = [{ id: root.id, next: 0 }];
    state.set(root.id, 'visiting');
    trail.push(root.id);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1] as { id: number; next: number };
      const needs = dependencies.get(frame.id) ?? [];
      if (frame.next < needs.length) {
        const need = needs[frame.next++] as number;
        const seen = state.get(need);
        if (seen === 'visiting') {
          // The trail follows "needs"; data flows the other way.
          const cycle = trail.slice(trail.indexOf(need)).reverse();
          const byId = new Map(tasks.map((task) => [task.id, task]));
          return [...cycle, cycle[0] as number].map((id) => byId.get(id) as Task);
        }
        if (seen === undefined) {
          state.set(need, 'visiting');
          trail.push(need);
          stack.push({ id: need, next: 0 });
        }
      } else {
        state.set(frame.id, 'done');
        trail.pop();
        stack.pop();
      }
    }
  }
  return undefined;
}
