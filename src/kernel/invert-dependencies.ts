// The other direction of a plan's dependencies: for each task, the tasks that need it.

/**
 * Task id → the ids of the tasks that need it, from task id → the ids it needs. Pushed, not copied
 * per dependent: a task read by 10,000 others would otherwise cost 50 M copies.
 */
export function invertDependencies(dependencies: ReadonlyMap<number, readonly number[]>): Map<number, number[]> {
  const dependents = new Map<number, number[]>();
  dependencies.forEach((needs, id) => {
    for (let i = 0; i < needs.length; i += 1) {
      const need = needs[i] as number;
      const list = dependents.get(need);
      if (list === undefined) dependents.set(need, [id]);
      else list.push(id);
    }
  });
  return dependents;
}
