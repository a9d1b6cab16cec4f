import { Router } from 'express';
import { ROBOT_INTERVENTIONS, type RobotIntervention, type RobotRuntime } from '../../engine/engine-types.ts';
import type { Alarm, InterventionOutcome } from '../../services/engine-runtime.ts';
import type { RobotIntervention as ContractIntervention } from '../live-contract.ts';
import { principalOf, requireRole } from '../auth.ts';
import { ProblemError } from '../problem.ts';
import { rolesOf } from '../operations.ts';
import { publicRobot } from '../public-robot.ts';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** The engine's interventions are exactly the contract's (the map UI's): a difference fails to compile. */
export const INTERVENTIONS_MATCH_CONTRACT: Same<RobotIntervention, ContractIntervention> = true;

export interface RobotRouteDeps {
  readonly robots: () => readonly RobotRuntime[];
  /** Applies a supervisor's intervention in the engine's queue (see EngineRuntime.intervene). */
  readonly intervene: (
    robotId: string,
    action: RobotIntervention,
    by: string,
  ) => Promise<InterventionOutcome>;
  /** Marks an alarm seen (see EngineRuntime.acknowledgeAlarm); undefined when there is no such alarm. */
  readonly acknowledgeAlarm: (id: number, by: string) => Promise<Alarm | undefined>;
}

function isIntervention(action: string): action is RobotIntervention {
  return (ROBOT_INTERVENTIONS as readonly string[]).includes(action);
}

/**
 * One robot, `GET /v1/robots/{id}` (as `GET /v1/robots` lists it; who may list the fleet), and a
 * supervisor's one-click actions from the map UI: `POST /v1/robots/{id}/{action}` (pause, resume,
 * charge, park, out-of-service, into-service; answered with the robot as the command left it, 409 when
 * its state does not allow it) and `POST /v1/alarms/{id}/acknowledge`. Supervisors and admins.
 */
export function robotRoutes(deps: RobotRouteDeps): Router {
  const router = Router();

  router.get('/robots/:id', requireRole(...rolesOf('getRobot')), (req, res) => {
    const id = String(req.params.id);
    const robot = deps.robots().find((r) => r.spec.id === id);
    if (!robot) throw new ProblemError('not-found', `no robot ${id}`);
    res.json(publicRobot(robot));
  });

  router.post('/robots/:id/:action', requireRole(...rolesOf('interveneOnRobot')), async (req, res) => {
    const id = String(req.params.id);
    const action = String(req.params.action);
    if (!isIntervention(action))
      throw new ProblemError('validation-error', `unknown robot action ${action}`, [
        { pointer: '/path/action', detail: `must be one of ${ROBOT_INTERVENTIONS.join(', ')}` },
      ]);
    if (!deps.robots().some((r) => r.spec.id === id)) throw new ProblemError('not-found', `no robot ${id}`);
    const outcome = await deps.intervene(id, action, principalOf(req).name);
    if ('refusal' in outcome)
      throw new ProblemError(
        outcome.refusal.reason === 'unknown-robot' ? 'not-found' : 'conflicting-state',
        `${action} refused: ${outcome.refusal.detail}`,
      );
    res.json(publicRobot(outcome.robot));
  });

  router.post('/alarms/:id/acknowledge', requireRole(...rolesOf('acknowledgeAlarm')), async (req, res) => {
    const raw = String(req.params.id);
    const alarm = /^\d{1,15}$/.test(raw)
      ? await deps.acknowledgeAlarm(Number(raw), principalOf(req).name)
      : undefined;
    if (!alarm) throw new ProblemError('not-found', `no alarm ${raw}`);
    res.json(alarm);
  });

  return router;
}
