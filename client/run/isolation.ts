// `strata run` isolates its command with the same pieces the pipeline
// executor uses (src/pps/exec/isolation.ts); the environment is this process's.
import { containerHint as hint, planIsolation as plan, type IsolationChoice, type IsolationPlan } from '../../src/pps/exec/isolation.ts';

export { bwrapArgs, bwrapWorks, launcher, unshareArgs, unshareWorks, type Isolation, type IsolationPlan } from '../../src/pps/exec/isolation.ts';

export function containerHint(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return hint(env);
}

export function planIsolation(choice: IsolationChoice, env: NodeJS.ProcessEnv = process.env): IsolationPlan {
  return plan(choice, env);
}
