/**
 * N simulated VDA 5050 AGVs on one broker, each an independent `VdaAgv` with its own MQTT connection, the
 * way a real fleet of vehicles would appear to the master.
 */
import { VdaAgv, type VdaAgvOptions, type VdaInitialPosition } from './vda-agv.ts';

export interface VdaFleetVehicle {
  readonly manufacturer: string;
  readonly serialNumber: string;
  readonly initialPosition: VdaInitialPosition;
}

export interface VdaFleetConfig {
  readonly brokerUrl: string;
  readonly interfaceName?: string;
  readonly vehicles: readonly VdaFleetVehicle[];
  readonly speedMps?: number;
  readonly actionDurationMs?: number;
  readonly speedup?: number;
  /** Passed to every vehicle; default 30000 (the VDA 5050 heartbeat). */
  readonly stateIntervalMs?: number;
}

/** Options shared by all vehicles, copied only when set (exactOptionalPropertyTypes). */
function sharedOptions(config: VdaFleetConfig): Partial<VdaAgvOptions> {
  return {
    ...(config.interfaceName !== undefined ? { interfaceName: config.interfaceName } : {}),
    ...(config.speedMps !== undefined ? { speedMps: config.speedMps } : {}),
    ...(config.actionDurationMs !== undefined ? { actionDurationMs: config.actionDurationMs } : {}),
    ...(config.speedup !== undefined ? { speedup: config.speedup } : {}),
    ...(config.stateIntervalMs !== undefined ? { stateIntervalMs: config.stateIntervalMs } : {}),
  };
}

export class VdaFleetSimulator {
  private readonly agvs = new Map<string, VdaAgv>();

  constructor(config: VdaFleetConfig) {
    const shared = sharedOptions(config);
    for (const vehicle of config.vehicles) {
      if (this.agvs.has(vehicle.serialNumber))
        throw new Error(`serial number ${vehicle.serialNumber} appears twice`);
      this.agvs.set(
        vehicle.serialNumber,
        new VdaAgv({
          ...shared,
          brokerUrl: config.brokerUrl,
          manufacturer: vehicle.manufacturer,
          serialNumber: vehicle.serialNumber,
          initialPosition: vehicle.initialPosition,
        }),
      );
    }
  }

  /** All vehicles, in configuration order. */
  get vehicles(): readonly VdaAgv[] {
    return [...this.agvs.values()];
  }

  vehicle(serialNumber: string): VdaAgv {
    const agv = this.agvs.get(serialNumber);
    if (!agv) throw new Error(`no vehicle ${serialNumber}`);
    return agv;
  }

  async start(): Promise<void> {
    await Promise.all(this.vehicles.map((agv) => agv.start()));
  }

  /** Graceful: every vehicle publishes OFFLINE and disconnects. */
  async stop(): Promise<void> {
    await Promise.all(this.vehicles.map((agv) => agv.stop()));
  }

  /** Abrupt death of one vehicle: the broker publishes its last will (CONNECTIONBROKEN). */
  kill(serialNumber: string): void {
    this.vehicle(serialNumber).kill();
  }
}
